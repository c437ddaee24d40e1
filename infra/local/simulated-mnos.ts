import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../domain/errors.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { mnoCatalogueDecider } from '../../domain/mno/catalogue.ts';
import { mnoDecider } from '../../domain/mno/decider.ts';
import { allChecksPassed, type MnoRegistration } from '../../domain/mno/events.ts';
import { POLICY_RULES, type PolicyRule } from '../../domain/policy/rules.ts';
import { executeCommand } from '../../application/command.ts';
import { mnoCatalogueStream, mnoStream } from '../../application/stream-ids.ts';
import type { MnoApiStyle, MnoSimulator } from './mno-simulators/index.ts';
import { keptPorts, startOnKeptPort } from './mno-ports.ts';
import type { SimulatedSmdp } from './smdp/server.ts';
import { replaceFileSync } from './replace-file.ts';

export interface SimulatedMno {
  id: string;
  name: string;
  style: MnoApiStyle;
  plmns: string[];
  countries: string[];
  capabilities: readonly PolicyRule[];
  /** legacy-ratelimited: the calls a second its CMP allows (default 20), registered as the MNO's rate limit. */
  ratePerSecond?: number | undefined;
}

const all = POLICY_RULES;
const without = (...rules: PolicyRule[]) => all.filter((r) => !rules.includes(r));

/** Five fictional operators, one per API style at least, with the gaps real CMPs have. */
export const DEFAULT_SIMULATED_MNOS: SimulatedMno[] = [
  { id: 'northwind-de', name: 'Northwind Mobile (DE)', style: 'rest-oauth2', plmns: ['262-91'], countries: ['DE'], capabilities: all },
  { id: 'orbital-fr', name: 'Orbital Telecom (FR)', style: 'async-jobs', plmns: ['208-91'], countries: ['FR'], capabilities: without('vpn') },
  { id: 'meridian-es', name: 'Meridian (ES)', style: 'legacy-ratelimited', plmns: ['214-91'], countries: ['ES'], capabilities: without('sms.mo', 'sms.mt', 'caps.smsPerMonth', 'vpn') },
  { id: 'southgate-gb', name: 'Southgate Wireless (GB)', style: 'rest-oauth2', plmns: ['234-91'], countries: ['GB'], capabilities: without('imeiLock') },
  { id: 'eastline-pl', name: 'Eastline (PL)', style: 'async-jobs', plmns: ['260-91'], countries: ['PL'], capabilities: all },
];

/** How each style of simulated MNO delivers its network records: as the CMPs modelled on them would. */
export const SIGNAL_DELIVERY = { 'rest-oauth2': 'push', 'async-jobs': 'pull', 'legacy-ratelimited': 'files' } as const;

/** The legacy simulator's default rate (infra/local/mno-simulators/index.ts). */
const LEGACY_RATE_PER_SECOND = 20;

const PLATFORM = { actor: 'switchboard:local-runtime', correlationId: 'local-runtime', region: 'local' };

const ignoreConflict = (error: unknown) => {
  if (!(error instanceof DomainError && error.kind === 'conflict')) throw error;
};

/**
 * Starts a simulator per MNO, on the port it had before if `portsFile` kept one (else a free one,
 * then kept), writes their fresh credentials to `credentialsFile` (mode 0600) under
 * `secret://mno/<id>`, and registers and verifies each MNO in the event store, moving its endpoint
 * when an earlier run registered another.
 */
export const startSimulatedMnos = async (
  store: EventStore,
  specs: readonly SimulatedMno[],
  credentialsFile: string,
  options: {
    portsFile?: string | undefined;
    log?: ((message: string) => void) | undefined;
    /** A folder (0700) where each CMP keeps what it holds across restarts, `<mno id>.json`; in memory only without one. */
    stateDir?: string | undefined;
    /** The SM-DP+s: each MNO gets one there, its ES2+ key in its credentials and its endpoint in its registration. */
    smdp?: SimulatedSmdp | undefined;
  } = {},
) => {
  const simulators = new Map<string, MnoSimulator>();
  // Each MNO signs the network records it pushes with a key of its own (its credentials' signalKey).
  const signalKeys = new Map(specs.map((spec) => [spec.id, randomBytes(24).toString('hex')]));
  try {
    const ports = keptPorts(options.portsFile);
    if (options.stateDir) mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
    const stateFile = (id: string) => (options.stateDir ? join(options.stateDir, `${id}.json`) : undefined);
    for (const spec of specs)
      simulators.set(spec.id, await startOnKeptPort({ id: spec.id, style: spec.style, stateFile: stateFile(spec.id), ...(spec.ratePerSecond && { ratePerSecond: spec.ratePerSecond }) }, ports, options.log ?? console.warn));
    ports.save();
    const es2plusKeys = new Map(specs.map((spec) => [spec.id, randomBytes(24).toString('hex')]));
    for (const spec of specs) options.smdp?.add(spec.id, es2plusKeys.get(spec.id)!, spec.plmns[0]!);
    // Its CMP credentials (the ES2+ key for calling its SM-DP+ too), and apart from them the keys it signs what it sends with.
    const es2plus = (id: string) => (options.smdp ? { es2plusKey: es2plusKeys.get(id)! } : {});
    const credentials = Object.fromEntries([
      ...[...simulators.values()].map((s) => [`secret://mno/${s.id}`, { ...s.credentials, ...es2plus(s.id) }]),
      ...[...simulators.values()].map((s) => [`secret://mno-inbound/${s.id}`, { signalKey: signalKeys.get(s.id)!, ...es2plus(s.id) }]),
    ]);
    // A new file renamed into place: an older run's file would keep its mode through writeFileSync.
    replaceFileSync(credentialsFile, JSON.stringify(credentials));
    for (const spec of specs) {
      // A rate-limited CMP's limit is registered: Switchboard keeps under it.
      const rate = spec.style === 'legacy-ratelimited' ? { rateLimitPerSecond: spec.ratePerSecond ?? LEGACY_RATE_PER_SECOND } : {};
      const api = { style: spec.style, endpoint: simulators.get(spec.id)!.url, credentialsRef: `secret://mno/${spec.id}`, ...(options.smdp && { smdpEndpoint: options.smdp.endpointOf(spec.id) }), ...rate, signals: SIGNAL_DELIVERY[spec.style] };
      const registration: MnoRegistration = { id: spec.id, name: spec.name, plmns: spec.plmns, countries: spec.countries, api, capabilities: [...spec.capabilities] };
      await executeCommand(store, mnoCatalogueDecider, mnoCatalogueStream(), { type: 'ListMno', id: spec.id }, PLATFORM, 20);
      await executeCommand(store, mnoDecider, mnoStream(spec.id), { type: 'RegisterMno', registration }, PLATFORM).catch(ignoreConflict);
      const { state } = await executeCommand(store, mnoDecider, mnoStream(spec.id), { type: 'ChangeMnoApi', api }, PLATFORM);
      // Verified once, when first registered: a quarantine an operator recorded since stays across restarts.
      if (state.status === 'unverified') await executeCommand(store, mnoDecider, mnoStream(spec.id), { type: 'RecordVerification', checks: allChecksPassed('simulated') }, PLATFORM);
    }
  } catch (error) {
    await Promise.all([...simulators.values()].map((s) => s.stop()));
    throw error;
  }
  return { simulators, signalKeys, stop: () => Promise.all([...simulators.values()].map((s) => s.stop())).then(() => undefined) };
};
