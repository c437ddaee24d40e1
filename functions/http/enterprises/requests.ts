import * as z from '../../../domain/zod-mini.ts';
import { DEFAULT_SETTINGS, EnterpriseEvents, EnterpriseSettings } from '../../../domain/enterprise/events.ts';
import { MnoId } from '../../../domain/identifiers/index.ts';

/** POST /v1/enterprises: the tenant id and the enterprise's name. */
export const Onboard = z.strictObject(EnterpriseEvents.EnterpriseOnboarded.shape);

/** PUT /v1/enterprise/mnos: every MNO the enterprise works with (registered ones). */
export const ChooseMnos = z.strictObject({ mnos: z.array(MnoId).check(z.maxLength(100)) });

/** Settings as a PUT may give them: any left out keep their defaults (a PUT replaces them all). */
export const Settings = z.pipe(
  z.partial(EnterpriseSettings),
  z.transform((s: Partial<EnterpriseSettings>) => ({ ...DEFAULT_SETTINGS, ...s })),
);
