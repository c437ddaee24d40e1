import * as z from '../../../domain/zod-mini.ts';

/** POST /v1/mnos/{mnoId}/outage: why the MNO is out. */
export const DeclareOutage = z.strictObject({ reason: z.string().check(z.minLength(1), z.maxLength(500)) });

/** POST /v1/mnos/{mnoId}/outage/clear: optionally, why it is over. */
export const ClearOutage = z.strictObject({ reason: z.optional(z.string().check(z.maxLength(500))) });
