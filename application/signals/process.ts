import { alertDecider, isOpen, type Alert } from '../../domain/alerts/decider.ts';
import { subjectKey, type AlertSubject } from '../../domain/alerts/events.ts';
import type { Response } from '../../domain/signals/alert-kinds.ts';
import { detect, type Detection, type UsageFacts } from '../../domain/signals/detectors.ts';
import { redacted } from '../../domain/signals/redact.ts';
import type { Signal } from '../../domain/signals/signals.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { DomainError } from '../../domain/errors.ts';
import { executeCommand } from '../command.ts';
import { inBatches } from '../in-batches.ts';
import { alertStream, simStream } from '../stream-ids.ts';
import type { ContextCache, SimContext } from './facts.ts';
import type { SignalBatch, SignalPorts } from './ports.ts';
import { usageFacts, usageOf } from './usage.ts';

/** Who carries out the enterprise's responses. */
export const GUARD = 'switchboard:guard';

const byIccid = (signals: readonly Signal[]) => {
  const groups = new Map<string, Signal[]>();
  for (const s of signals) groups.set(s.iccid, [...(groups.get(s.iccid) ?? []), s]);
  return groups;
};

/** Each SIM's detections, one per kind: how many, and the latest's evidence. */
const detectionsOf = (signals: readonly Signal[], sim: SimContext, usage: ReadonlyMap<string, UsageFacts>) => {
  const found = new Map<string, { detection: Detection; count: number; at: string }>();
  for (const s of signals) {
    for (const d of detect(s, { imei: sim.imei, enabledIccid: sim.enabledIccid, policy: sim.policy }, usage.get(s.at.slice(0, 10)))) {
      const seen = found.get(d.kind);
      found.set(d.kind, { detection: !seen || s.at >= seen.at ? redacted(d) : seen.detection, count: (seen?.count ?? 0) + 1, at: !seen || s.at >= seen.at ? s.at : seen.at });
    }
  }
  return [...found.values()];
};

/**
 * A pushed batch's signals, SIM by SIM: which SIM each ICCID is (a record about a profile the
 * pushing MNO does not host counts for nothing), usage counted, the detectors run; a detection,
 * checked again on freshly read facts, is recorded on the SIM's alert stream and the policy's
 * response carried out. Alerts and containment are idempotent; counts are not, so what fails is
 * handed back as a batch of its own (the SIMs that failed, each day of usage already counted marked
 * `<iccid>|<yyyy-mm-dd>`) for the caller to queue again, rather than the whole batch delivered
 * again. Only a batch in which nothing was counted anew fails (the queue then retries it as it is,
 * marks and all, and in the end sets it aside): each hand-back counts something more, so they end.
 */
export const processSignalBatch = async (ports: SignalPorts, contexts: ContextCache, batch: SignalBatch): Promise<SignalBatch | undefined> => {
  ports.count('signals', batch.signals.length);
  const counted = new Set(batch.counted);
  const failed: { signals: Signal[] }[] = [];
  const countedNow: string[] = [];
  let firstError: unknown;
  const sims = [...byIccid(batch.signals)];
  await inBatches(sims, async ([iccid, signals]) => {
    try {
      let sim = await contexts.get(iccid);
      if (!sim) return ports.count('unknown-sim', signals.length);
      if (sim.mno !== batch.mno) return ports.count('foreign-profile', signals.length);
      const usage = new Map<string, UsageFacts>();
      for (const day of usageOf(signals)) {
        const mark = `${iccid}|${day.month}-${day.day}`;
        const totals = counted.has(mark) ? await ports.counters.read(sim.tenant, sim.eid, day.month) : await ports.counters.add({ tenant: sim.tenant, eid: sim.eid, mno: sim.mno, ...day });
        if (!counted.has(mark)) countedNow.push(mark);
        if (totals) usage.set(`${day.month}-${day.day}`, usageFacts(totals, day.day));
      }
      if (detectionsOf(signals, sim, usage).length === 0) return;
      // Something is wrong, on facts up to 30 s old: read them again before anything is recorded.
      sim = await contexts.fresh(iccid);
      if (!sim || sim.mno !== batch.mno) return;
      const found = detectionsOf(signals, sim, usage);
      ports.count('detections', found.length);
      for (const { detection, count, at } of found) await recordDetection(ports, sim, batch.mno, detection, count, at);
    } catch (error) {
      firstError ??= error;
      failed.push({ signals });
    }
  }, 8);
  if (failed.length === 0) return undefined;
  const failedIccids = new Set(failed.map((f) => f.signals[0]!.iccid));
  const marks = [...counted, ...countedNow].filter((m) => failedIccids.has(m.slice(0, m.indexOf('|'))));
  // Nothing counted anew by this attempt: the message itself fails, as it is (its marks kept), for the queue to retry and set aside.
  if (!countedNow.some((m) => failedIccids.has(m.slice(0, m.indexOf('|')))) && failed.length === sims.length) throw firstError;
  return { ...batch, signals: failed.flatMap((f) => f.signals), counted: marks, requeues: (batch.requeues ?? 0) + 1 };
};

const recordDetection = async (ports: SignalPorts, sim: SimContext, mno: string, detection: Detection, count: number, at: string) => {
  const response: Response = sim.policy?.responses?.[detection.kind] ?? 'alert';
  const alert = await raiseAlert(ports, sim.tenant, { eid: sim.eid }, mno, detection, count, at, response);
  if (await respond(ports, sim, alert, response)) ports.count('contained', 1);
};

/**
 * The policy's response, as the policy says it now, to a SIM's open alert: the SIM suspended by the
 * guard while it is active, then the alert marked contained. A SIM a person released while the
 * alert stays open is contained again at the next detection (the release holds once the cause is
 * gone, or the alert resolved). True when it was suspended now.
 */
export const respond = async (ports: Pick<SignalPorts, 'store' | 'region'>, sim: Pick<SimContext, 'tenant' | 'eid' | 'releaseApprovals'>, alert: Alert | undefined, response: Response) => {
  if (!isOpen(alert) || response === 'alert') return false;
  const { suspendedNow, heldByThis } = await contain(ports, sim, alert.alertId, alert.kind, response);
  // Recorded when it was suspended now, or when an earlier run suspended it and stopped before recording it.
  if (!suspendedNow && !(heldByThis && !alert.contained)) return false;
  await executeCommand(ports.store, alertDecider, alertStream(sim.tenant, sim.eid, alert.kind), { type: 'RecordContainment', alertId: alert.alertId, response }, { actor: GUARD, correlationId: alert.alertId, region: ports.region });
  return suspendedNow;
};

/**
 * A detection on its subject's alert stream, by the guard: raised, or the open alert repeated
 * (`count` detections as one). Answers the alert as it now is.
 */
export const raiseAlert = async (
  ports: Pick<SignalPorts, 'store' | 'region'>,
  tenant: string,
  subject: AlertSubject,
  mno: string,
  detection: Pick<Detection, 'kind' | 'evidence'> & { iccid?: string | undefined },
  count: number,
  at: string,
  response: Response,
) => {
  const context = { actor: GUARD, correlationId: `${detection.kind}:${subjectKey(subject)}`, region: ports.region };
  // Evidence as an alert keeps it: each value within its bound (a network's record may carry anything).
  const evidence = Object.fromEntries(Object.entries(detection.evidence).map(([k, v]) => [k, typeof v === 'string' ? v.slice(0, 300) : v]));
  const command = { type: 'RecordDetection' as const, subject, mno, detection: { ...detection, evidence }, count, response, at };
  return (await executeCommand(ports.store, alertDecider, alertStream(tenant, subjectKey(subject), detection.kind), command, context)).state.latest;
};

/**
 * The response: the SIM suspended by the guard, naming the alert, when it is active (its command id
 * derived from the alert and the SIM's version, so a batch run twice suspends once, and a SIM
 * released since is suspended anew). A SIM not active (in inventory, or suspended already) has
 * nothing to contain.
 */
const contain = async (ports: Pick<SignalPorts, 'store' | 'region'>, sim: Pick<SimContext, 'tenant' | 'eid' | 'releaseApprovals'>, alertId: string, kind: Detection['kind'], response: Exclude<Response, 'alert'>) => {
  const stream = simStream(sim.tenant, sim.eid);
  const loaded = await ports.store.load(stream);
  const containment = { alertId, kind, releaseApprovals: sim.releaseApprovals };
  const command = response === 'quarantine' ? { type: 'QuarantineSim' as const, actor: GUARD, reason: `quarantined on ${alertId}`, containment } : { type: 'SuspendSim' as const, actor: GUARD, reason: `contained on ${alertId}`, containment };
  try {
    const { state, changed } = await executeCommand(ports.store, simDecider, stream, command, { actor: GUARD, correlationId: alertId, region: ports.region, commandId: `guard:${alertId}:v${loaded.head.version}` }, undefined, loaded);
    if (state.status === 'unregistered') return { suspendedNow: false, heldByThis: false };
    const held = response === 'quarantine' ? state.status === 'active' && state.quarantined : state.status === 'suspended';
    const heldByThis = Boolean(held) && state.containment?.alertId === alertId;
    return { suspendedNow: changed && heldByThis, heldByThis };
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'conflict') return { suspendedNow: false, heldByThis: false };
    throw error;
  }
};
