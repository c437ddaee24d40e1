import * as z from '../../domain/zod-mini.ts';
import { EnterpriseEvents, EnterpriseSettings } from '../../domain/enterprise/events.ts';
import { MnoId } from '../../domain/identifiers/index.ts';

/**
 * The enterprises as the API answers them (the OpenAPI document's, and the views' and handlers'
 * types). Not bundled into a function: the views and handlers import only their types.
 */
const { tenantId, name } = EnterpriseEvents.EnterpriseOnboarded.shape;

/** An onboarded enterprise: `version` is its stream's (what If-Match pins). */
export const Enterprise = z.strictObject({
  tenantId,
  name,
  status: z.enum(['active', 'suspended']),
  version: z.int(),
});

/** The MNOs the enterprise works with, in id order. */
export const EnterpriseMnos = z.strictObject({ mnos: z.array(MnoId), version: z.int() });

/** Every setting as it applies (the default for each one never changed), and the enterprise's version. */
export const EnterpriseSettingsView = z.extend(EnterpriseSettings, { version: z.int() });
