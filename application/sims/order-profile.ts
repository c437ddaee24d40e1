import { randomBytes } from 'node:crypto';
import { chosenMnos, enterpriseDecider } from '../../domain/enterprise/decider.ts';
import { DomainError } from '../../domain/errors.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { identifierClaimDecider } from '../../domain/identifier-claim/decider.ts';
import { unavailableReason } from '../../domain/mno/decider.ts';
import type { MnoRegistration } from '../../domain/mno/events.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import type { DownloadPoint } from '../../domain/sim/events.ts';
import type { BusEvent } from '../bus-events.ts';
import { executeCommand, type CommandContext } from '../command.ts';
import { loadState } from '../load-state.ts';
import { loadMno } from '../mnos.ts';
import type { ActivationCodes } from '../ports/activation-codes.ts';
import { MnoRateLimited } from '../ports/mno-gateway.ts';
import { SmdpError, type Es2Plus } from '../ports/smdp.ts';
import { enterpriseStream, identifierClaimStream, simStream } from '../stream-ids.ts';

export const newOrderId = () => `order-${randomBytes(10).toString('hex')}`;

/**
 * `POST /v1/sims/{eid}/profiles` `{ mno }`: the order requested on the SIM's stream (the
 * `order-profile` rule places it). Refused at once when the MNO cannot take work or has no SM-DP+.
 */
export const requestProfileOrder = async (store: EventStore, tenant: string, eid: string, mno: string, context: CommandContext) => {
  const [enterprise, registration] = await Promise.all([loadState(store, enterpriseDecider, enterpriseStream(tenant)), loadMno(store, mno)]);
  const chosen = chosenMnos(enterprise.state);
  if (chosen.includes(mno)) {
    const unavailable = unavailableReason(registration);
    if (unavailable) throw new DomainError('conflict', 'mno-unavailable', `${mno} cannot take work: ${unavailable}`);
    if (registration.status !== 'unknown' && !registration.registration.api.smdpEndpoint) throw new DomainError('conflict', 'no-smdp', `${mno} has no SM-DP+ registered: no profile can be ordered from it`);
  }
  return executeCommand(store, simDecider, simStream(tenant, eid), { type: 'RequestProfileOrder', actor: context.actor, orderId: newOrderId(), mno, chosen }, context);
};

export interface OrderPorts {
  store: EventStore;
  region: string;
  /** The ES2+ client of an MNO's SM-DP+ (its endpoint from the registration, its key from the credentials). */
  smdp(registration: MnoRegistration): Promise<Es2Plus>;
  /** One call taken from the MNO's rate budget (throws MnoRateLimited when this second's is spent). */
  admit(registration: MnoRegistration): Promise<void>;
  activationCodes: ActivationCodes;
}

const PLATFORM = 'switchboard:order-profile';

/**
 * Rule `order-profile`: a requested order placed with the MNO's SM-DP+ (ES2+ DownloadOrder, then
 * ConfirmOrder with the EID and the release flag), the profile's ICCID claimed for this SIM, its
 * activation code kept as a secret, and the order recorded (`ProfileOrdered`: the profile
 * `ordered`, its download trigger waiting for the device). Whatever goes wrong is recorded as the
 * order's failure, in the SM-DP+'s words (the enterprise may order again). A delivery again, or a
 * retry after a crash, repeats the ES2+ calls under the same call id (the SM-DP+ answers them as
 * before) and records nothing twice.
 */
export const placeProfileOrder = async (ports: OrderPorts, event: BusEvent) => {
  if (event['detail-type'] !== 'ProfileOrderRequested' || !event.detail.tenant) return undefined;
  const tenant = event.detail.tenant;
  const { orderId, mno } = event.detail.data as { orderId: string; mno: string };
  const stream = event.detail.streamId;
  const loaded = await loadState(ports.store, simDecider, stream);
  const sim = loaded.state;
  if (sim.status === 'unregistered') return undefined;
  const order = sim.orders.orders.find((o) => o.orderId === orderId);
  if (order?.status !== 'requested') return { orderId, status: order?.status };
  const context = { actor: PLATFORM, correlationId: orderId, region: ports.region };
  const holder = { tenant, eid: sim.eid };
  let claimed: string | undefined;
  try {
    // As things are now, not as they were when the order was asked for.
    const [registration, enterprise] = await Promise.all([loadMno(ports.store, mno), loadState(ports.store, enterpriseDecider, enterpriseStream(tenant))]);
    if (registration.status === 'unknown' || !chosenMnos(enterprise.state).includes(mno)) throw new DomainError('invalid', 'mno-not-chosen', `${mno} is no longer one of the enterprise's MNOs`);
    const unavailable = unavailableReason(registration);
    if (unavailable) throw new DomainError('conflict', 'mno-unavailable', `${mno} cannot take work: ${unavailable}`);
    if (sim.status === 'terminated' || sim.pendingTermination) throw new DomainError('conflict', 'sim-terminated', 'the SIM is terminated, or its termination awaits approval');
    const smdp = await ports.smdp(registration.registration);
    await ports.admit(registration.registration);
    const { iccid } = await smdp.downloadOrder(orderId, sim.eid);
    if (sim.profiles.some((p) => p.iccid === iccid)) throw new SmdpError('the SM-DP+ gave an ICCID this SIM holds already');
    const claim = await executeCommand(ports.store, identifierClaimDecider, identifierClaimStream('iccid', iccid), { type: 'ClaimIdentifier', kind: 'iccid', holder }, context);
    if (claim.changed) claimed = iccid;
    await ports.admit(registration.registration);
    const { matchingId, smdpAddress } = await smdp.confirmOrder(orderId, iccid, sim.eid);
    await ports.activationCodes.put(tenant, sim.eid, iccid, `1$${smdpAddress}$${matchingId}`);
    await executeCommand(ports.store, simDecider, stream, { type: 'RecordProfileOrdered', actor: PLATFORM, orderId, iccid }, context, undefined, loaded);
    return { orderId, status: 'ordered' as const };
  } catch (error) {
    // Over the MNO's rate this second: the event is delivered again (the calls repeat under the same ids, the claim stands).
    if (error instanceof MnoRateLimited) throw error;
    // The SM-DP+'s and the rules' own words; anything else (an outage of ours) is not the tenant's to read: operators have it in the logs.
    const reason = error instanceof SmdpError || error instanceof DomainError ? error.message.slice(0, 500) : 'the order could not be placed (an error of Switchboard’s, logged for its operators): order again';
    if (claimed) await executeCommand(ports.store, identifierClaimDecider, identifierClaimStream('iccid', claimed), { type: 'ReleaseIdentifier', kind: 'iccid', holder }, context);
    await executeCommand(ports.store, simDecider, stream, { type: 'RecordProfileOrderFailed', actor: PLATFORM, orderId, reason }, context, undefined, loaded);
    return { orderId, status: 'failed' as const, reason, error: error instanceof SmdpError || error instanceof DomainError ? undefined : (error as Error) };
  }
};

/** What an SM-DP+ notified (ES2+ HandleDownloadProgressInfo), once its signature was checked. */
export interface DownloadProgress {
  mno: string;
  /** The SM-DP+'s call id: a notification sent again (a retry, a replay) is recorded once. */
  callId: string;
  iccid: string;
  /** The EID that came for the profile (another than its SIM's: someone else tried the code). */
  eid?: string | undefined;
  point: DownloadPoint;
  ok: boolean;
  reason?: string | undefined;
}

/**
 * The SM-DP+'s progress notification, recorded on the SIM that holds the profile (found by its
 * ICCID's claim): the MNO may speak only of its own profiles. Once installed, the activation code
 * is deleted (single use: the SM-DP+ refuses it again anyway, and says so).
 */
export const recordDownloadProgress = async (store: EventStore, codes: ActivationCodes, progress: DownloadProgress, region: string) => {
  const holder = (await loadState(store, identifierClaimDecider, identifierClaimStream('iccid', progress.iccid))).state.holder;
  if (!holder) throw new DomainError('not-found', 'profile-not-found', 'no SIM holds a profile with this ICCID');
  const stream = simStream(holder.tenant, holder.eid);
  const loaded = await loadState(store, simDecider, stream);
  const sim = loaded.state;
  const profile = sim.status === 'unregistered' ? undefined : sim.profiles.find((p) => p.iccid === progress.iccid);
  if (!profile || profile.mno !== progress.mno) throw new DomainError('forbidden', 'not-your-profile', 'the notification speaks of a profile of another MNO');
  const context = { actor: `smdp:${progress.mno}`, correlationId: `${progress.iccid}-${progress.point}`, region };
  const other = progress.eid !== undefined && progress.eid !== holder.eid ? progress.eid : undefined;
  // The code goes first (deleting it twice is harmless): a notification recorded is never one whose code stayed.
  if (progress.point === 'installation' && progress.ok && other === undefined) await codes.remove(holder.tenant, holder.eid, progress.iccid);
  return executeCommand(store, simDecider, stream, { type: 'RecordDownloadProgress', actor: context.actor, iccid: progress.iccid, point: progress.point, ok: progress.ok, callId: progress.callId, eid: other, reason: progress.reason }, context, undefined, loaded);
};
