import { createHash } from 'node:crypto';
import type { Alert } from '../../domain/alerts/decider.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { recordCascade } from '../cascades/record.ts';
import { cascadeDecider } from '../../domain/cascade/decider.ts';
import { desiredSimState, policyDrift, simStateDrift } from '../../domain/cascade/process.ts';
import { enterpriseDecider } from '../../domain/enterprise/decider.ts';
import { unavailableReason } from '../../domain/mno/decider.ts';
import type { MnoRegistration } from '../../domain/mno/events.ts';
import type { Response } from '../../domain/signals/alert-kinds.ts';
import { compilePolicy } from '../../domain/policy/compile.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import type { PolicyRule } from '../../domain/policy/rules.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { executeCommand } from '../command.ts';
import { inBatches } from '../in-batches.ts';
import { loadState, stateOf } from '../load-state.ts';
import { admitPatiently, listedMnoIds, loadMno } from '../mnos.ts';
import type { MnoGateway } from '../ports/mno-gateway.ts';
import { cascadeStream, enterpriseStream, policyStream, simStream } from '../stream-ids.ts';
import { GUARD, raiseAlert, respond } from './process.ts';

export interface VerifyPorts {
  store: EventStore;
  gateway(registration: MnoRegistration): Promise<MnoGateway>;
  /** One call taken from the MNO's rate budget (or MnoRateLimited). */
  admit(registration: MnoRegistration): Promise<void>;
  enterprisesUsing(mno: string): Promise<string[]>;
  publishedPolicies(tenant: string): Promise<string[]>;
  simsOn(tenant: string, mno: string): Promise<string[]>;
  region: string;
  nowMs(): number;
  /** A change younger than this may still be on its way to the MNO: not checked yet. */
  settleMs: number;
}

/** A correction's cascade id: the drift's alert (one correction an alert; resolving it lets the next finding correct again). */
const correctionId = (alert: Alert) => `fix-${createHash('sha256').update(alert.alertId).digest('hex').slice(0, 32)}`;

/** The SIM's stream as it is, and when it last changed. */
const loadSim = async (store: EventStore, tenant: string, eid: string) => {
  const { commits } = await store.load(simStream(tenant, eid));
  return { sim: stateOf(simDecider, commits), changedAt: Date.parse(commits.at(-1)?.metadata.time ?? '1970-01-01T00:00:00Z') };
};

/**
 * The network's state read back and compared with the newest desired state (schedule
 * `verify-network`): for each available MNO, each enterprise's published policies as that MNO
 * should enforce them (the latest version, once its cascade has ended) and each SIM's state where
 * its enabled profile is (once its last change has settled). A difference is an alert:
 * `policy-drift` on the policy at that MNO, `state-drift` on the SIM (what the MNO holds is
 * recorded as observed, and the SIM's policy's response carried out); and the desired state (or the
 * policy version) is carried to that MNO again by a cascade of the guard's, each time the drift is
 * found. What a cascade is still carrying is not drift.
 */
type Finding = { mno: string; tenant: string; kind: 'policy-drift' | 'state-drift'; subject: string; differences: string[] };

/** One MNO's check: its gateway, each call admitted by its rate budget, and what is found. */
interface MnoCheck {
  ports: VerifyPorts;
  mno: MnoRegistration;
  gateway: MnoGateway;
  ask<T>(call: () => Promise<T>): Promise<T>;
  nowMs: number;
  at: string;
  found: Finding[];
}

export const verifyNetwork = async (ports: VerifyPorts) => {
  const found: Finding[] = [];
  const errors: { mno: string; error: string }[] = [];
  const nowMs = ports.nowMs();
  for (const id of await listedMnoIds(ports.store)) {
    const state = await loadMno(ports.store, id);
    if (state.status === 'unknown' || unavailableReason(state)) continue;
    const mno = state.registration;
    try {
      const admit = admitPatiently(() => ports.admit(mno));
      const check: MnoCheck = { ports, mno, gateway: await ports.gateway(mno), ask: async (call) => (await admit(), call()), nowMs, at: new Date(nowMs).toISOString(), found };
      for (const tenant of await ports.enterprisesUsing(id)) await checkTenant(check, tenant, (error) => errors.push({ mno: id, error })).catch((error: Error) => void errors.push({ mno: id, error: `${tenant}: ${error.message}` }));
    } catch (error) {
      errors.push({ mno: id, error: (error as Error).message });
    }
  }
  return { found, errors };
};

/** A tenant's published policies at the MNO, then its SIMs there (each on its own: one that fails holds up no other). */
const checkTenant = async (check: MnoCheck, tenant: string, failed: (error: string) => void) => {
  const { ports } = check;
  const { state: enterprise } = await loadState(ports.store, enterpriseDecider, enterpriseStream(tenant));
  for (const policyId of await ports.publishedPolicies(tenant)) await checkPolicy(check, tenant, policyId);
  const governing = enterprise.status === 'none' ? undefined : enterprise.settings.policyId;
  const policy = governing ? (await loadState(ports.store, policyDecider, policyStream(tenant, governing))).state : undefined;
  const response = policy?.published[policy.latestVersion]?.responses?.['state-drift'] ?? 'alert';
  const releaseApprovals = enterprise.status === 'none' ? 1 : (enterprise.settings.releaseApprovals ?? 1);
  await inBatches(await ports.simsOn(tenant, check.mno.id), (eid) => checkSim(check, tenant, eid, response, releaseApprovals).catch((error: Error) => failed(`${eid}: ${error.message}`)), 8);
};

/** A policy's latest version as the MNO should enforce it, once its cascade has ended and verified it there; drift is alerted and the version given again. */
const checkPolicy = async ({ ports, mno, gateway, ask, at, found }: MnoCheck, tenant: string, policyId: string) => {
  const { state: policy } = await loadState(ports.store, policyDecider, policyStream(tenant, policyId));
  const document = policy.published[policy.latestVersion];
  if (!document || !policy.latestCascadeId) return;
  const { state: cascade } = await loadState(ports.store, cascadeDecider, cascadeStream(tenant, policy.latestCascadeId));
  if (cascade.status === 'none' || cascade.status === 'running') return;
  // Drift is a regression from what the MNO confirmed holding: a version its cascade never verified there (refused, failed, skipped) is not drift.
  if (cascade.targets.find((t) => t.mno === mno.id)?.status !== 'verified') return;
  const effective = compilePolicy(document, mno.capabilities as PolicyRule[]).effective;
  const differences = policyDrift(effective, await ask(() => gateway.readPolicy(`${tenant}.${policyId}`)));
  if (differences.length === 0) return;
  found.push({ mno: mno.id, tenant, kind: 'policy-drift', subject: policyId, differences });
  const alert = await raiseAlert(ports, tenant, { policyId, mno: mno.id }, mno.id, { kind: 'policy-drift', evidence: { version: policy.latestVersion, rules: differences.join(', ') } }, 1, at, 'alert');
  // The MNO is given the version again (a cascade to it alone, by the guard), once for the alert.
  if (alert) await recordCascade(ports.store, tenant, correctionId(alert), { kind: 'policy', policyId, version: policy.latestVersion }, [mno.id], { actor: GUARD, correlationId: alert.alertId, region: ports.region });
};

/** A SIM's state where its enabled profile is, once its last change has settled. */
const checkSim = async ({ ports, mno, gateway, ask, nowMs, at, found }: MnoCheck, tenant: string, eid: string, response: Response, releaseApprovals: 1 | 2) => {
  const { sim, changedAt } = await loadSim(ports.store, tenant, eid);
  if (sim.status === 'unregistered' || nowMs - changedAt < ports.settleMs) return;
  const profile = sim.profiles.find((p) => p.iccid === sim.enabledProfile);
  const desired = desiredSimState(sim);
  if (profile?.mno !== mno.id || desired === undefined) return;
  const held = await ask(() => gateway.readSimState(profile.iccid));
  // Drift is a regression from what the MNO confirmed holding: a desired state it never confirmed is
  // still on its way (a cascade running, retried, waiting out an outage) or failed (and its cascade
  // says so), not drift.
  const confirmed = sim.observed[mno.id] === desired;
  if (held !== undefined && held !== sim.observed[mno.id])
    await executeCommand(ports.store, simDecider, simStream(tenant, eid), { type: 'RecordObservedState', actor: GUARD, mno: mno.id, state: held }, { actor: GUARD, correlationId: `verify:${eid}`, region: ports.region });
  if (!confirmed || simStateDrift(held, desired).length === 0) return;
  found.push({ mno: mno.id, tenant, kind: 'state-drift', subject: eid, differences: [`${desired} desired, ${held ?? 'none'} held`] });
  const alert = await raiseAlert(ports, tenant, { eid }, mno.id, { kind: 'state-drift', iccid: profile.iccid, evidence: { desired, held: held ?? 'none' } }, 1, at, response);
  // The desired state is carried to the MNO again (a cascade to it alone, by the guard): a SIM re-activated behind Switchboard's back is suspended again.
  if (alert) await recordCascade(ports.store, tenant, correctionId(alert), { kind: 'sim-state', eid, state: desired }, [mno.id], { actor: GUARD, correlationId: alert.alertId, region: ports.region });
  await respond(ports, { tenant, eid, releaseApprovals }, alert, response);
};
