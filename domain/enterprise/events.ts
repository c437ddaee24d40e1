import { z } from 'zod';
import { MnoId, TenantId } from '../identifiers/index.ts';

/**
 * `fallbackReturn`: once an MNO its SIMs fell back from recovers, they go back to it by themselves
 * (`automatic`, after `fallbackReturnAfterSeconds` without a new outage) or stay until told (`manual`).
 */
export const EnterpriseSettings = z.strictObject({
  fallbackReturn: z.enum(['automatic', 'manual']),
  fallbackReturnAfterSeconds: z.int().min(0).max(7 * 24 * 3600),
});
export type EnterpriseSettings = z.infer<typeof EnterpriseSettings>;

export const DEFAULT_SETTINGS: EnterpriseSettings = { fallbackReturn: 'manual', fallbackReturnAfterSeconds: 600 };

export const EnterpriseEvents = {
  EnterpriseOnboarded: z.object({ tenantId: TenantId, name: z.string().min(1).max(200) }),
  EnterpriseSuspended: z.object({ reason: z.string().max(500).optional() }),
  EnterpriseReinstated: z.object({ reason: z.string().max(500).optional() }),
  /** The MNOs the enterprise works with: SIM profiles and cascades are limited to them. */
  EnterpriseMnosChosen: z.object({ mnos: z.array(MnoId) }),
  /** How the enterprise wants its fleet handled; every setting, as it is from now on. */
  EnterpriseSettingsChanged: z.object({ settings: EnterpriseSettings }),
} as const;

type Defs = typeof EnterpriseEvents;
export type EnterpriseEvent = { [K in keyof Defs]: { type: K; data: z.infer<Defs[K]> } }[keyof Defs];
