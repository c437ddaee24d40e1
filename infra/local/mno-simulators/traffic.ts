import { pushOfSignal, type PushRecord } from '../../../adapters/signals/push-format.ts';
import type { Signal } from '../../../domain/signals/signals.ts';
import { countryOfPlmn } from './mcc-countries.ts';
import { parseAnomaly, parseDestination, type TrafficAnomaly } from './traffic-anomaly.ts';

/**
 * The network traffic one simulated MNO sees from the active SIMs it hosts, delivered to
 * Switchboard as an MNO would (`deliver`: the push deliverer, traffic-push.ts): quiet by default
 * (per SIM and tick a few KB of usage, a flow to its destination, now and then an attach on the
 * home PLMN), and whatever anomaly someone sets on a SIM, delivered at once (Switchboard measures
 * detect-to-contain from it) and again every tick until cleared. A SIM the CMP does not hold as
 * active sends nothing, anomalies included: that is what containment looks like from here.
 * Bounded: records a tick, undelivered records kept (oldest dropped, counted), anomalies.
 */
export type { TrafficAnomaly } from './traffic-anomaly.ts';

export interface TrafficSim {
  iccid: string;
  imei?: string | undefined;
  destination?: { ip: string; port?: number | undefined; protocol: 'tcp' | 'udp' } | undefined;
}

export interface TrafficOptions {
  mnoId: string;
  /** The MNO's own PLMN (`MCC-MNC`) and country, where its SIMs attach normally. */
  homePlmn: string;
  country: string;
  /** The SIMs active on this MNO as the runtime knows them; read every tick. */
  sims: () => readonly TrafficSim[];
  /** The SIM's status in the CMP's held state ('active', 'suspended', 'terminated'); any other than 'active' (unknown too) sends nothing. Absent: all are taken as active. */
  simStatus?: ((iccid: string) => string | undefined) | undefined;
  /** Takes records or throws (then they are kept for the next try); an error with a numeric `delivered` says how many of the first were taken. */
  deliver: (records: PushRecord[]) => Promise<void>;
  /** Default 20 000. */
  tickMs?: number;
  /** Records generated a tick at most (default 500); SIMs left over go first next tick. */
  maxRecordsPerTick?: number;
  /** Undelivered records kept at most (default 10 000), the oldest dropped beyond. */
  maxBuffered?: number;
  now?: () => Date;
  random?: () => number;
}

export interface TrafficStats {
  ticks: number;
  generated: number;
  delivered: number;
  /** Undelivered, kept for the next try. */
  pending: number;
  /** Dropped undelivered (the buffer was full). */
  dropped: number;
  failedDeliveries: number;
  lastError?: string;
}

export interface TrafficGenerator {
  readonly mnoId: string;
  /** Replaces the SIM's anomaly, emits its records and delivers them before resolving (`delivered` false: kept for the next tick). Throws on an invalid anomaly. */
  setAnomaly(iccid: string, anomaly: TrafficAnomaly): Promise<{ emitted: number; delivered: boolean }>;
  /** Back to normal; false when none was set. */
  clearAnomaly(iccid: string): boolean;
  anomalies(): Record<string, TrafficAnomaly>;
  stats(): TrafficStats;
  /** One tick now (what the timer runs): generate, then deliver what is pending. */
  tick(): Promise<void>;
  /** Clears the timer and waits for the delivery in flight. */
  stop(): Promise<void>;
}

export const MAX_ANOMALIES = 1_000;
/** Records handed to `deliver` at once (a push batch's limit). */
const DELIVER_CHUNK = 1_000;
/** The chance, per SIM and tick, of a fresh attach on the home network. */
const ATTACH_CHANCE = 0.3;
/** The most records one SIM makes in a tick: attach, usage, flow, and an anomaly's attach, flow, SMS (its usage replaces the normal one). */
const MAX_PER_SIM = 6;

export const startTraffic = (options: TrafficOptions): TrafficGenerator => {
  const { mnoId, homePlmn, country, deliver } = options;
  const tickMs = options.tickMs ?? 20_000;
  const maxPerTick = options.maxRecordsPerTick ?? 500;
  const maxBuffered = options.maxBuffered ?? 10_000;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const anomalies = new Map<string, TrafficAnomaly>();
  /** Per SIM: when its last usage record ended (ms), whether it has attached since the generator started. */
  const seen = new Map<string, { usageAt?: number; attached?: boolean }>();
  const buffer: PushRecord[] = [];
  const stats: TrafficStats = { ticks: 0, generated: 0, delivered: 0, pending: 0, dropped: 0, failedDeliveries: 0 };
  let cursor = 0;
  let stopped = false;

  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const activeSims = (): TrafficSim[] => {
    const status = options.simStatus;
    return options.sims().filter((sim) => !status || status(sim.iccid) === 'active');
  };

  /** A SIM's records for now: normal ones, with its anomaly's on top (its rate replacing the normal usage). */
  const recordsOf = (sim: TrafficSim, at: Date, normal: boolean, anomaly = anomalies.get(sim.iccid)): Signal[] => {
    const iso = at.toISOString();
    const { iccid } = sim;
    const state = seen.get(iccid) ?? {};
    const out: Signal[] = [];
    const attach = (imei: string | undefined, plmn: string, where: string): Signal => ({ kind: 'session', iccid, event: 'attach', ...(imei && { imei }), plmn, country: where, rat: '4G', at: iso });
    if (normal) {
      if (!state.attached || random() < ATTACH_CHANCE) out.push(attach(sim.imei, homePlmn, country));
      state.attached = true;
      if (!anomaly?.bytesPerMinute) out.push({ kind: 'usage', iccid, bytes: between(1_000, 8_000), at: iso });
      const d = sim.destination;
      if (d) out.push({ kind: 'flow', iccid, destination: d.ip, ...(d.port !== undefined && { port: d.port }), protocol: d.protocol, bytes: between(500, 4_000), at: iso });
    }
    if (anomaly) {
      if (anomaly.imei || anomaly.plmn || anomaly.country) {
        const plmn = anomaly.plmn ?? homePlmn;
        out.push(attach(anomaly.imei ?? sim.imei, plmn, anomaly.country ?? (anomaly.plmn ? countryOfPlmn(plmn)! : country)));
      }
      const to = anomaly.destination ? parseDestination(anomaly.destination) : undefined;
      if (to) out.push({ kind: 'flow', iccid, destination: to.ip, port: to.port, protocol: 'tcp', bytes: between(1_000, 6_000), at: iso });
      if (anomaly.bytesPerMinute) {
        const elapsed = Math.max(0, at.getTime() - (state.usageAt ?? at.getTime() - tickMs));
        out.push({ kind: 'usage', iccid, bytes: Math.round((anomaly.bytesPerMinute * elapsed) / 60_000), at: iso });
      }
      if (anomaly.smsFrom) out.push({ kind: 'sms', iccid, direction: 'mt', party: anomaly.smsFrom, at: iso });
    }
    if (out.some((s) => s.kind === 'usage')) state.usageAt = at.getTime();
    seen.set(iccid, state);
    return out;
  };

  const keep = (records: PushRecord[], front = false) => {
    if (front) buffer.unshift(...records);
    else buffer.push(...records);
    const over = buffer.length - maxBuffered;
    if (over > 0) {
      buffer.splice(0, over);
      stats.dropped += over;
    }
    stats.pending = buffer.length;
  };
  const emit = (signals: Signal[]) => {
    stats.generated += signals.length;
    keep(signals.map(pushOfSignal));
    return signals.length;
  };

  /** Delivers what is pending, a chunk at a time, until done or one fails. */
  const drain = async () => {
    while (buffer.length > 0) {
      const chunk = buffer.splice(0, DELIVER_CHUNK);
      try {
        await deliver(chunk);
        stats.delivered += chunk.length;
        stats.pending = buffer.length;
      } catch (error) {
        const taken = Math.min(chunk.length, Math.max(0, Number((error as { delivered?: unknown }).delivered) || 0));
        stats.delivered += taken;
        stats.failedDeliveries += 1;
        stats.lastError = error instanceof Error ? error.message : String(error);
        keep(chunk.slice(taken), true);
        return false;
      }
    }
    return true;
  };
  /** One drain at a time; callers arriving during one share the next, which takes their records too. */
  let running: Promise<boolean> | undefined;
  let queued: Promise<boolean> | undefined;
  const flush = (): Promise<boolean> => {
    if (!running) return (running = drain().finally(() => (running = undefined)));
    return (queued ??= running.then(() => {
      queued = undefined;
      return flush();
    }));
  };

  const tick = async () => {
    if (stopped) return;
    stats.ticks += 1;
    const at = now();
    let sims: TrafficSim[];
    try {
      sims = activeSims();
    } catch (error) {
      stats.lastError = `sims unreadable: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    const present = new Set(sims.map((s) => s.iccid));
    for (const iccid of seen.keys()) if (!present.has(iccid)) seen.delete(iccid);
    // Anomalous SIMs first; then the rest from where the last tick stopped, while the tick's budget lasts.
    const signals: Signal[] = [];
    const room = () => signals.length + MAX_PER_SIM <= maxPerTick;
    for (const sim of sims) if (anomalies.has(sim.iccid) && room()) signals.push(...recordsOf(sim, at, true));
    const n = sims.length;
    const from = n === 0 ? 0 : cursor % n;
    let passed = 0;
    for (; passed < n && room(); passed++) {
      const sim = sims[(from + passed) % n]!;
      if (!anomalies.has(sim.iccid)) signals.push(...recordsOf(sim, at, true));
    }
    cursor = n === 0 ? 0 : (from + passed) % n;
    emit(signals);
    await flush();
  };

  const timer = setInterval(() => void tick(), tickMs);
  timer.unref();

  return {
    mnoId,
    setAnomaly: async (iccid, anomaly) => {
      const parsed = parseAnomaly(anomaly);
      if (parsed.error !== undefined) throw new TypeError(parsed.error);
      if (!anomalies.has(iccid) && anomalies.size >= MAX_ANOMALIES) throw new RangeError(`at most ${MAX_ANOMALIES} anomalies at once`);
      anomalies.set(iccid, parsed.anomaly);
      const sim = activeSims().find((s) => s.iccid === iccid);
      const emitted = sim ? emit(recordsOf(sim, now(), false)) : 0;
      return { emitted, delivered: emitted > 0 && !stopped && (await flush()) };
    },
    clearAnomaly: (iccid) => anomalies.delete(iccid),
    anomalies: () => Object.fromEntries(anomalies),
    stats: () => ({ ...stats }),
    tick,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await queued;
      await running;
    },
  };
};
