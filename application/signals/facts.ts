import { enterpriseDecider } from '../../domain/enterprise/decider.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { identifierClaimDecider } from '../../domain/identifier-claim/decider.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import type { PolicyDocument } from '../../domain/policy/document.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { loadState } from '../load-state.ts';
import { keepBounded } from '../bounded.ts';
import { enterpriseStream, identifierClaimStream, policyStream, simStream } from '../stream-ids.ts';

/** What detection needs of the SIM an ICCID belongs to, read from the event store. */
export interface SimContext {
  tenant: string;
  eid: string;
  status: 'inventory' | 'active' | 'suspended' | 'terminated';
  imei?: string | undefined;
  enabledIccid: string;
  /** The MNO hosting the profile with this ICCID (the only one whose records about it count). */
  mno: string;
  /** The enterprise's governing policy, as last published (undefined: none chosen). */
  policy?: PolicyDocument | undefined;
  releaseApprovals: 1 | 2;
}

/** The SIM an ICCID belongs to, its enterprise's settings and policy: four streams read (undefined: no SIM holds it). */
export const loadSimContext = async (store: EventStore, iccid: string): Promise<SimContext | undefined> => {
  const { state: claim } = await loadState(store, identifierClaimDecider, identifierClaimStream('iccid', iccid));
  if (!claim.holder || claim.registering) return undefined;
  const { tenant, eid } = claim.holder;
  const [{ state: sim }, { state: enterprise }] = await Promise.all([loadState(store, simDecider, simStream(tenant, eid)), loadState(store, enterpriseDecider, enterpriseStream(tenant))]);
  if (sim.status === 'unregistered') return undefined;
  const profile = sim.profiles.find((p) => p.iccid === iccid);
  if (!profile) return undefined;
  const settings = enterprise.status === 'none' ? undefined : enterprise.settings;
  let policy: PolicyDocument | undefined;
  if (settings?.policyId) {
    const { state } = await loadState(store, policyDecider, policyStream(tenant, settings.policyId));
    policy = state.published[state.latestVersion];
  }
  return { tenant, eid, status: sim.status, imei: sim.imei, enabledIccid: sim.enabledProfile, mno: profile.mno, policy, releaseApprovals: settings?.releaseApprovals ?? 1 };
};

/**
 * The contexts a consumer has read lately, for `ttlMs` (a warm function reads a busy SIM's streams
 * once in a while, not per record). Detections are checked again on fresh reads before anything is
 * recorded, so a stale entry costs a read, never a false alert. Bounded: the oldest go first.
 */
export const contextCache = (load: (iccid: string) => Promise<SimContext | undefined>, nowMs: () => number, ttlMs = 30_000, max = 20_000) => {
  const entries = new Map<string, { at: number; context: Promise<SimContext | undefined> }>();
  return {
    get(iccid: string) {
      const hit = entries.get(iccid);
      if (hit && nowMs() - hit.at < ttlMs) return hit.context;
      return this.fresh(iccid);
    },
    fresh(iccid: string) {
      const context = load(iccid);
      keepBounded(entries, iccid, { at: nowMs(), context }, max);
      context.catch(() => entries.delete(iccid));
      return context;
    },
  };
};
export type ContextCache = ReturnType<typeof contextCache>;
