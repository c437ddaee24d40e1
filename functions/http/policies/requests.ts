import * as z from '../../../domain/zod-mini.ts';
import { MnoId } from '../../../domain/identifiers/index.ts';

/** GET /v1/policies/{policyId}/versions/{version}/effective: the MNO to compile the version for. */
export const EffectiveQuery = z.object({ mno: MnoId });
