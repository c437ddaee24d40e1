import * as z from '../zod-mini.ts';
import { MnoId, TenantId } from '../identifiers/index.ts';
import { PolicyId } from '../policy/identifiers.ts';
import { lazySchemas } from '../events.ts';

/**
 * `fallbackReturn`: once an MNO its SIMs fell back from recovers, they go back to it by themselves
 * (`automatic`, after `fallbackReturnAfterSeconds` without a new outage) or stay until told (`manual`).
 */
export const EnterpriseSettings = z.strictObject({
  fallbackReturn: z.enum(['automatic', 'manual']),
  fallbackReturnAfterSeconds: z.int().check(z.gte(0), z.lte(7 * 24 * 3600)),
  /**
   * The policy that governs the enterprise's SIMs: the network's signals are checked against its
   * latest published version, and its `responses` are carried out. None: nothing is checked but
   * that traffic comes from the enabled profile.
   */
  policyId: z.optional(PolicyId),
  /** How many people release a SIM that Switchboard contained: 1, or 2 (one asks, another approves). */
  releaseApprovals: z.optional(
    z.union([z.literal(1), z.literal(2)], { error: 'releaseApprovals is 1 (one person releases a contained SIM) or 2 (one asks, another approves)' }),
  ),
});
export type EnterpriseSettings = z.infer<typeof EnterpriseSettings>;

export const DEFAULT_SETTINGS: EnterpriseSettings = { fallbackReturn: 'manual', fallbackReturnAfterSeconds: 600, releaseApprovals: 1 };

export const EnterpriseEvents = lazySchemas({
  EnterpriseOnboarded: () => z.object({ tenantId: TenantId, name: z.string().check(z.minLength(1), z.maxLength(200)) }),
  EnterpriseSuspended: () => z.object({ reason: z.optional(z.string().check(z.maxLength(500))) }),
  EnterpriseReinstated: () => z.object({ reason: z.optional(z.string().check(z.maxLength(500))) }),
  /** The MNOs the enterprise works with: SIM profiles and cascades are limited to them. */
  EnterpriseMnosChosen: () => z.object({ mnos: z.array(MnoId) }),
  /** How the enterprise wants its fleet handled; every setting, as it is from now on. */
  EnterpriseSettingsChanged: () => z.object({ settings: EnterpriseSettings }),
});

type Defs = typeof EnterpriseEvents;
export type EnterpriseEvent = { [K in keyof Defs]: { type: K; data: z.infer<Defs[K]> } }[keyof Defs];
