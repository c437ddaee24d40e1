import { asyncJobsApi } from './async-jobs.ts';
import { FaultState, type MnoFaults } from './faults.ts';
import { keepHeldState } from './held-state.ts';
import { serveCmp, type CmpApi, type CmpRequest } from './http.ts';
import { legacyRateLimitedApi } from './legacy-ratelimited.ts';
import { restOauth2Api } from './rest-oauth2.ts';
import { trafficRoutes } from './traffic-http.ts';
import type { TrafficGenerator } from './traffic.ts';
import { pullStore, type PullStore } from './traffic-pull.ts';

export type { MnoFaults } from './faults.ts';
export { JobPolicySpec } from './async-jobs.ts';
export { RestPolicyProfile } from './rest-oauth2.ts';
export { SERVICE_PROFILE_FIELDS } from './legacy-fields.ts';
export { startTraffic, type TrafficAnomaly, type TrafficGenerator, type TrafficOptions, type TrafficSim } from './traffic.ts';
export { pushDeliverer, PushDeliveryFailed } from './traffic-push.ts';
export { pullStore, type PullStore } from './traffic-pull.ts';

/** The three ways real CMP APIs differ, one simulator per way. */
export type MnoApiStyle = 'rest-oauth2' | 'async-jobs' | 'legacy-ratelimited';
export const MNO_API_STYLES: readonly MnoApiStyle[] = ['rest-oauth2', 'async-jobs', 'legacy-ratelimited'];

export interface MnoSimulator {
  id: string;
  style: MnoApiStyle;
  url: string;
  /** What a client needs: rest-oauth2 {clientId, clientSecret}; async-jobs {apiKey}; legacy {username, password}. Never log it. */
  credentials: Record<string, string>;
  /** Replaces the current faults. */
  setFaults(faults: MnoFaults): void;
  /** The faults in force. */
  faults(): Readonly<MnoFaults>;
  /** What the CMP holds, in its own data model: profile rules by profile id, SIM status by ICCID; calls = CMP API calls received. */
  state(): { profiles: Record<string, unknown>; sims: Record<string, string>; restrictions?: Record<string, unknown>; calls: number; throttled?: number };
  /** A SIM's status as this CMP holds it, whatever the style's words: 'active', 'suspended', 'terminated', or undefined when it holds none. */
  simStatus(iccid: string): SimStatus | undefined;
  /** Attaches (or, undefined, detaches) the traffic generator `/_sim/traffic` drives; the simulator's stop stops it too. */
  attachTraffic(generator: TrafficGenerator | undefined): void;
  /**
   * Serves (or, undefined, stops serving) a pull store's Control Center routes, `GET /rws/api/v1/...`
   * (traffic-pull.ts): CMP API calls, behind the fault gate and HTTP Basic with this simulator's
   * `apiKey` (so async-jobs only: throws for a style without one).
   */
  attachPull(store: PullStore | undefined): void;
  /** Stops the attached traffic generator, then the server. */
  stop(): Promise<void>;
}

export type SimStatus = 'active' | 'suspended' | 'terminated' | 'quarantined';
/** Each style's words for a SIM's status (rest-oauth2, async-jobs, legacy-ratelimited). */
const SIM_STATUS: Record<string, SimStatus> = {
  ACTIVE: 'active', SUSPENDED: 'suspended', DEACTIVATED: 'terminated', RESTRICTED: 'quarantined',
  active: 'active', suspended: 'suspended', terminated: 'terminated', quarantined: 'quarantined',
  A: 'active', S: 'suspended', T: 'terminated', R: 'quarantined',
};

export interface MnoSimulatorOptions {
  id: string;
  style: MnoApiStyle;
  /** 0 or absent: a free port. */
  port?: number;
  faults?: MnoFaults;
  /** async-jobs: status reads until a job ends (default 3). */
  pollsToComplete?: number;
  /** legacy-ratelimited: calls per second per credential, also the burst (default 20). */
  ratePerSecond?: number;
  /** rest-oauth2: access token lifetime (default 300). */
  tokenTtlSeconds?: number;
  /** Where what the CMP holds is kept across restarts (held-state.ts); in memory only without one. */
  stateFile?: string | undefined;
}

const apiFor = (options: MnoSimulatorOptions, faults: FaultState): { api: CmpApi; credentials: Record<string, string> } => {
  switch (options.style) {
    case 'rest-oauth2':
      return restOauth2Api({ faults, tokenTtlSeconds: options.tokenTtlSeconds ?? 300 });
    case 'async-jobs':
      return asyncJobsApi({ faults, pollsToComplete: options.pollsToComplete ?? 3 });
    case 'legacy-ratelimited':
      return legacyRateLimitedApi({ faults, ratePerSecond: options.ratePerSecond ?? 20 });
  }
};

/**
 * Starts a simulated MNO connectivity-management platform on 127.0.0.1 with fresh random
 * credentials, and the state its `stateFile` kept (else in memory only). Faults can be changed in-process (`setFaults`) or over HTTP
 * (`PUT /_sim/faults`, unauthenticated, for someone breaking an MNO by hand with curl); a SIM's
 * traffic, once a generator is attached (`attachTraffic`), by `PUT|DELETE /_sim/traffic/{iccid}`.
 */
export const startMnoSimulator = async (options: MnoSimulatorOptions): Promise<MnoSimulator> => {
  const faults = new FaultState(options.faults);
  const { api, credentials } = apiFor(options, faults);
  const afterCall = options.stateFile ? keepHeldState(api, options.stateFile) : undefined;
  let traffic: TrafficGenerator | undefined;
  const moreAdmin = (method: string, path: string, body: Buffer) => trafficRoutes(traffic, method, path, body);
  const simStatus = (iccid: string): SimStatus | undefined => {
    const held = api.held.sims?.get(iccid);
    return typeof held === 'string' && Object.hasOwn(SIM_STATUS, held) ? SIM_STATUS[held] : undefined;
  };
  // A CMP with Control Center's API serves it from the start (no devices yet), as a real one does; traffic attaches its own store.
  let pull: PullStore | undefined = credentials.apiKey !== undefined ? pullStore() : undefined;
  const moreApi = (request: CmpRequest) => pull?.handle(request, { apiKey: credentials.apiKey!, simStatus });
  const served = await serveCmp({ id: options.id, style: options.style, port: options.port, faults, api, afterCall, moreAdmin, moreApi });
  return {
    id: options.id,
    style: options.style,
    url: served.url,
    credentials,
    setFaults: (next) => faults.set(next),
    faults: () => faults.current,
    state: () => ({ ...api.state(), calls: served.calls() }),
    simStatus,
    attachTraffic: (generator) => {
      traffic = generator;
    },
    attachPull: (store) => {
      if (store && credentials.apiKey === undefined) throw new Error(`${options.id}: the Control Center routes take an apiKey, which a ${options.style} simulator has none of`);
      pull = store;
    },
    stop: async () => {
      await traffic?.stop();
      await served.stop();
    },
  };
};
