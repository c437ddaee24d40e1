import { z } from 'zod';
import { MnoId, TenantId } from '../identifiers/index.ts';

export const EnterpriseEvents = {
  EnterpriseOnboarded: z.object({ tenantId: TenantId, name: z.string().min(1).max(200) }),
  EnterpriseSuspended: z.object({ reason: z.string().max(500).optional() }),
  EnterpriseReinstated: z.object({ reason: z.string().max(500).optional() }),
  /** The MNOs the enterprise works with: SIM profiles and cascades are limited to them. */
  EnterpriseMnosChosen: z.object({ mnos: z.array(MnoId) }),
} as const;

type Defs = typeof EnterpriseEvents;
export type EnterpriseEvent = { [K in keyof Defs]: { type: K; data: z.infer<Defs[K]> } }[keyof Defs];
