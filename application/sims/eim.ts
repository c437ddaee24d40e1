import { randomBytes } from 'node:crypto';
import type { EventStore } from '../../domain/event-store.ts';
import { DomainError } from '../../domain/errors.ts';
import { identifierClaimDecider } from '../../domain/identifier-claim/decider.ts';
import type { Psmo } from '../../domain/euicc/package.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { executeCommand, type CommandContext } from '../command.ts';
import { loadState } from '../load-state.ts';
import type { ActivationCodes } from '../ports/activation-codes.ts';
import type { EimSigning, SignedJson } from '../ports/eim-packages.ts';
import { identifierClaimStream, simStream } from '../stream-ids.ts';

/**
 * Switchboard as the enterprise's eIM: a profile operation becomes a package queued for the eUICC
 * (the SIM's stream keeps it and its counter); the device's IPA fetches the oldest package not yet
 * answered, signed; its eUICC's signed result is verified, then recorded.
 */
export const queuePsmos = (store: EventStore, tenant: string, eid: string, psmos: Psmo[], context: CommandContext) =>
  executeCommand(store, simDecider, simStream(tenant, eid), { type: 'QueueEimPackage', actor: context.actor, transactionId: randomBytes(8).toString('hex'), psmos }, context);

/** The tenant whose SIM this EID is (platform-wide claim): the device names only its EID. */
const tenantOf = async (store: EventStore, eid: string) => {
  const holder = (await loadState(store, identifierClaimDecider, identifierClaimStream('eid', eid))).state.holder;
  if (!holder) throw new DomainError('not-found', 'sim-not-found', 'no SIM with this EID is registered');
  return holder.tenant;
};

/** How old a device's signed request may be (its clock may be off a little too). */
export const REQUEST_WINDOW_MS = 5 * 60_000;

/**
 * ESipa GetEimPackage, asked by the device itself: its request signed by its eUICC (certified by a
 * trusted EUM) and fresh, so no one else learns what waits for it. Then the oldest package not yet
 * answered, signed by the eIM; undefined when none waits.
 */
export const packageForDevice = async (store: EventStore, signing: EimSigning, codes: ActivationCodes, eid: string, request: SignedJson, certificate: SignedJson, now: number, region = 'local') => {
  const { at } = await signing.verifyRequest(eid, request, certificate);
  if (Math.abs(now - Date.parse(at)) > REQUEST_WINDOW_MS) throw new DomainError('forbidden', 'stale-request', 'the signed request is older (or newer) than five minutes: sign a fresh one');
  return nextPackage(store, signing, codes, eid, at, region);
};

/**
 * What waits for the device, signed by the eIM: a profile download trigger first (an ordered
 * profile's activation code: nothing can be asked of a profile before it is installed), else the
 * oldest package its eUICC has not answered; undefined when nothing waits. A trigger is handed to
 * this device alone (its request proved it), once per fresh signed request (`requestAt` newer than
 * the last that got one, recorded: a captured request replayed gets no code), until the SM-DP+
 * reports the device came for the profile. A terminated SIM gets none.
 */
export const nextPackage = async (store: EventStore, signing: EimSigning, codes: ActivationCodes, eid: string, requestAt: string, region = 'local'): Promise<{ package: SignedJson } | { downloadTrigger: SignedJson } | undefined> => {
  const tenant = await tenantOf(store, eid);
  const stream = simStream(tenant, eid);
  const loaded = await loadState(store, simDecider, stream);
  const sim = loaded.state;
  if (sim.status === 'unregistered') throw new DomainError('not-found', 'sim-not-found', 'no SIM with this EID is registered');
  for (const iccid of sim.status === 'terminated' ? [] : sim.orders.triggers) {
    const activationCode = await codes.get(tenant, eid, iccid);
    if (!activationCode) continue;
    try {
      await executeCommand(store, simDecider, stream, { type: 'RecordTriggerDelivered', actor: `euicc:${eid}`, iccid, requestAt }, { actor: `euicc:${eid}`, correlationId: `trigger-${iccid}`, region }, undefined, loaded);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'request-not-fresh') break;
      throw error;
    }
    return { downloadTrigger: await signing.signTrigger({ eimId: signing.eimId, eid, iccid, activationCode }) };
  }
  const [oldest] = sim.eim.pending;
  if (!oldest) return undefined;
  return { package: await signing.sign({ eimId: signing.eimId, eid, counter: oldest.counter, transactionId: oldest.transactionId, psmos: oldest.psmos }) };
};

/** ESipa ProvideEimPackageResult: recorded only once the eUICC's certificate and signature hold, and it answers a package of this eIM. */
export const recordResult = async (store: EventStore, signing: EimSigning, eid: string, result: SignedJson, certificate: SignedJson, region: string) => {
  const verified = await signing.verifyResult(eid, result, certificate);
  if (verified.eimId !== signing.eimId) throw new DomainError('invalid', 'not-our-package', 'the result answers another eIM');
  const context = { actor: `euicc:${eid}`, correlationId: verified.transactionId, region };
  return executeCommand(store, simDecider, simStream(await tenantOf(store, eid), eid), { type: 'RecordEimPackageResult', actor: context.actor, counter: verified.counter, transactionId: verified.transactionId, seq: verified.seq, outcome: verified.outcome }, context);
};
