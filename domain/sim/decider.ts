import type { Decider } from '../decider.ts';
import { eventSchemas } from '../events.ts';
import { SIM_EVOLUTION, SimEvents, profilesWithStates } from './events.ts';
import { DomainError } from '../errors.ts';
import { imsiNetwork, plmnOfImsi } from '../identifiers/plmn.ts';
import { NO_PACKAGES, profilesAfter, psmoRefusal, type EimState } from './eim.ts';
import type { SimCommand } from './commands.ts';
import { NO_ORDERS, decideOrder, evolveOrder, type OrderState } from './orders.ts';
import type { Containment, Profile, ProfileInput, SimEvent } from './events.ts';

export type Lifecycle = 'inventory' | 'active' | 'suspended' | 'terminated';

export type SimState =
  | { status: 'unregistered' }
  | {
      status: Lifecycle;
      eid: string;
      profiles: Profile[];
      /** The ICCID of the one enabled profile: its MNO is the one lifecycle changes go to. */
      enabledProfile: string;
      imei?: string | undefined;
      pendingTermination?: { requestedBy: string; reason?: string | undefined } | undefined;
      /** What each MNO hosting a profile last confirmed it holds. */
      observed: Readonly<Record<string, 'active' | 'suspended' | 'terminated' | 'quarantined'>>;
      /** The enterprise's labels, each once, in the order given. */
      labels: readonly string[];
      /** The eIM packages queued for the eUICC and the counter they carry. */
      eim: EimState;
      /** Profiles ordered from SM-DP+s, and the download triggers waiting for the device. */
      orders: OrderState;
      /** Suspended or quarantined by Switchboard on an alert: released by people only (and who asked first, when it takes two). */
      containment?: (Containment & { releaseRequestedBy?: string | undefined }) | undefined;
      /** Quarantined (while active): held at its MNO to the policy's management destinations, until a person releases it. */
      quarantined?: boolean | undefined;
    };

export type RegisteredSim = Exclude<SimState, { status: 'unregistered' }>;

const illegal = (from: string, what: string, hint = '') =>
  new DomainError('conflict', 'illegal-transition', `cannot ${what} a SIM that is ${from}${hint}`);

const registered = (state: SimState): RegisteredSim => {
  if (state.status === 'unregistered') throw new DomainError('not-found', 'sim-not-found', 'SIM not found');
  if (state.status === 'terminated') throw new DomainError('conflict', 'sim-terminated', 'the SIM is terminated and takes no command');
  return state;
};

const noPendingTermination = (sim: RegisteredSim, what: string) => {
  if (sim.pendingTermination)
    throw new DomainError('conflict', 'termination-pending', `cannot ${what} a SIM while its termination awaits approval; cancel it first`);
};


const checkProfiles = (profiles: ProfileInput[], allowedMnos: Readonly<Record<string, readonly string[]>>) => {
  const chosen = Object.keys(allowedMnos);
  const foreign = [...new Set(profiles.map((p) => p.mno).filter((m) => !Object.hasOwn(allowedMnos, m)))];
  if (foreign.length > 0)
    throw new DomainError(
      'invalid',
      'mno-not-chosen',
      chosen.length === 0
        ? 'the enterprise has chosen no MNOs yet (PUT /v1/enterprise/mnos)'
        : `a profile names ${foreign.join(', ')}, which the enterprise has not chosen (it works with ${chosen.join(', ')})`,
    );
  profiles.forEach((p, i) => {
    const plmns = allowedMnos[p.mno]!;
    // The IMSI itself stays out of the message: its MCC-MNC is enough to see the mismatch.
    if (!plmnOfImsi(p.imsi, plmns))
      throw new DomainError(
        'invalid',
        'imsi-not-of-mno',
        `profile ${i} (ICCID ${p.iccid}): its IMSI's MCC-MNC (${imsiNetwork(p.imsi)}) is not a PLMN of ${p.mno} (${plmns.join(', ') || 'none registered'})`,
      );
  });
  if (profiles.filter((p) => p.fallback).length > 1)
    throw new DomainError('invalid', 'fallback-profiles', 'at most one profile may be the fallback');
  if (profiles.filter((p) => p.enabled).length > 1)
    throw new DomainError('invalid', 'enabled-profiles', 'at most one profile may be marked enabled: an eUICC has one enabled profile at a time');
  if (new Set(profiles.map((p) => p.iccid)).size !== profiles.length)
    throw new DomainError('invalid', 'duplicate-iccid', 'each profile needs its own ICCID');
  if (new Set(profiles.map((p) => p.imsi)).size !== profiles.length)
    throw new DomainError('invalid', 'duplicate-imsi', 'each profile needs its own IMSI');
};

/**
 * Releasing a SIM Switchboard contained: a person's command (never one of Switchboard's own actors),
 * and, where the enterprise asked for two, one person asks and another approves.
 */
const release = (containment: NonNullable<RegisteredSim['containment']>, actor: string, reason: string | undefined): SimEvent[] => {
  if (actor.startsWith('switchboard:'))
    throw new DomainError('forbidden', 'release-by-person', `the SIM was contained on alert ${containment.alertId}: only a person releases it`);
  if (containment.releaseApprovals === 1) return [{ type: 'SimResumed', data: { reason, release: { requestedBy: actor } } }];
  const asked = containment.releaseRequestedBy;
  if (!asked) return [{ type: 'SimReleaseRequested', data: { requestedBy: actor, reason } }];
  if (asked === actor) throw new DomainError('forbidden', 'same-approver', 'the release of a contained SIM must be approved by someone other than who asked for it');
  return [{ type: 'SimResumed', data: { reason, release: { requestedBy: asked, approvedBy: actor } } }];
};

export const simDecider: Decider<SimCommand, SimEvent, SimState> = {
  events: eventSchemas(SimEvents, SIM_EVOLUTION),
  initialState: { status: 'unregistered' },

  decide(command, state) {
    if (command.type === 'RegisterSim') {
      if (state.status !== 'unregistered')
        throw new DomainError('conflict', 'sim-already-registered', 'a SIM with this EID is already registered');
      checkProfiles(command.profiles, command.allowedMnos);
      const labels = command.labels?.length ? { labels: [...new Set(command.labels)] } : {};
      const profiles = profilesWithStates(command.profiles, command.profiles.find((p) => p.enabled)?.iccid);
      return [{ type: 'SimRegistered', data: { eid: command.eid, profiles, imei: command.imei, ...labels } }];
    }
    if (command.type === 'RecordEimPackageResult') {
      // The eUICC's answer is a fact: recorded whatever the SIM's lifecycle, once.
      if (state.status === 'unregistered') throw new DomainError('not-found', 'sim-not-found', 'SIM not found');
      const pkg = state.eim.pending.find((p) => p.counter === command.counter);
      if (!pkg) {
        if (command.counter <= state.eim.counter) return []; // answered already (a result delivered twice)
        throw new DomainError('invalid', 'unknown-package', `no eIM package ${command.counter} was queued for this SIM`);
      }
      if (pkg.transactionId !== command.transactionId) throw new DomainError('invalid', 'unknown-package', `package ${command.counter} is not transaction ${command.transactionId}`);
      // One outcome per PSMO of the package, in its order: a result that speaks of anything else is not this package's.
      if ('results' in command.outcome && (command.outcome.results.length !== pkg.psmos.length || command.outcome.results.some((r, i) => r.op !== pkg.psmos[i]!.op || r.iccid !== pkg.psmos[i]!.iccid)))
        throw new DomainError('invalid', 'result-not-of-package', `the result does not answer package ${command.counter}'s PSMOs one for one`);
      const base = { counter: command.counter, transactionId: command.transactionId, seq: command.seq };
      return 'refused' in command.outcome
        ? [{ type: 'EimPackageRefused', data: { ...base, reason: command.outcome.refused } }]
        : [{ type: 'EimPackageExecuted', data: { ...base, results: command.outcome.results } }];
    }
    if (command.type === 'RecordProfileOrdered' || command.type === 'RecordProfileOrderFailed' || command.type === 'RecordDownloadProgress' || command.type === 'RecordTriggerDelivered') {
      // What the SM-DP+ and the device did: facts, recorded whatever the SIM's lifecycle.
      if (state.status === 'unregistered') throw new DomainError('not-found', 'sim-not-found', 'SIM not found');
      return decideOrder(command, state);
    }
    if (command.type === 'RecordObservedState') {
      // Observations are facts about the MNO: recorded even for a terminated SIM, once per change.
      if (state.status === 'unregistered') throw new DomainError('not-found', 'sim-not-found', 'SIM not found');
      if (!state.profiles.some((p) => p.mno === command.mno)) throw new DomainError('invalid', 'not-a-host', `no profile of this SIM is on ${command.mno}`);
      return state.observed[command.mno] === command.state ? [] : [{ type: 'SimStateObserved', data: { mno: command.mno, state: command.state } }];
    }
    const sim = registered(state);
    switch (command.type) {
      case 'RequestProfileOrder':
        return decideOrder(command, sim);
      case 'QueueEimPackage': {
        const refusal = psmoRefusal(sim.eid, sim.profiles, sim.eim, command.psmos);
        if (refusal) throw new DomainError('conflict', 'psmo-refused', `the eUICC would refuse ${refusal}`);
        return [{ type: 'EimPackageQueued', data: { counter: sim.eim.counter + 1, transactionId: command.transactionId, psmos: command.psmos } }];
      }
      case 'SetSimLabels': {
        const labels = [...new Set(command.labels)];
        return labels.length === sim.labels.length && labels.every((l, i) => l === sim.labels[i]) ? [] : [{ type: 'SimLabelsSet', data: { labels } }];
      }
      case 'ActivateSim':
        if (sim.status === 'active') return [];
        if (sim.status !== 'inventory') throw illegal(sim.status, 'activate', '; resume it instead');
        noPendingTermination(sim, 'activate');
        return [{ type: 'SimActivated', data: { reason: command.reason } }];
      case 'SuspendSim':
        if (sim.status === 'suspended') return [];
        if (sim.status !== 'active') throw illegal(sim.status, 'suspend');
        return [{ type: 'SimSuspended', data: { reason: command.reason, ...(command.containment && { containment: command.containment }) } }];
      case 'QuarantineSim':
        if (sim.status !== 'active') throw illegal(sim.status, 'quarantine', '; only an active SIM is quarantined');
        if (sim.quarantined) return [];
        return [{ type: 'SimQuarantined', data: { reason: command.reason, containment: command.containment } }];
      case 'ResumeSim':
        // An active SIM in quarantine: resuming it is its release.
        if (sim.status === 'active' && sim.quarantined && sim.containment) return release(sim.containment, command.actor, command.reason);
        if (sim.status === 'active') return [];
        if (sim.status !== 'suspended') throw illegal(sim.status, 'resume');
        noPendingTermination(sim, 'resume');
        return sim.containment ? release(sim.containment, command.actor, command.reason) : [{ type: 'SimResumed', data: { reason: command.reason } }];
      case 'RequestTermination':
        if (sim.pendingTermination) return [];
        if (sim.status === 'active') throw illegal(sim.status, 'terminate', '; suspend it first');
        return [{ type: 'SimTerminationRequested', data: { requestedBy: command.actor, reason: command.reason } }];
      case 'CancelTermination':
        if (!sim.pendingTermination) return [];
        return [{ type: 'SimTerminationCancelled', data: { cancelledBy: command.actor } }];
      case 'ApproveTermination': {
        const pending = sim.pendingTermination;
        if (!pending) throw new DomainError('conflict', 'no-pending-termination', 'no termination of this SIM awaits approval');
        if (pending.requestedBy === command.actor)
          throw new DomainError('forbidden', 'same-approver', 'a termination must be approved by someone other than its requester');
        return [{ type: 'SimTerminated', data: { requestedBy: pending.requestedBy, approvedBy: command.actor } }];
      }
    }
  },

  evolve(state, event) {
    if (event.type === 'SimRegistered') {
      const { eid, profiles, imei, labels } = event.data;
      const enabled = profiles.find((p) => p.state === 'enabled') ?? profiles[0]!;
      return { status: 'inventory', eid, profiles, enabledProfile: enabled.iccid, imei, observed: {}, labels: labels ?? [], eim: NO_PACKAGES, orders: NO_ORDERS };
    }
    if (state.status === 'unregistered') return state;
    switch (event.type) {
      case 'SimActivated':
      case 'SimResumed':
        return { ...state, status: 'active', containment: undefined, quarantined: undefined };
      case 'SimQuarantined':
        return { ...state, quarantined: true, containment: event.data.containment };
      case 'SimSuspended':
        return { ...state, status: 'suspended', containment: event.data.containment };
      case 'SimReleaseRequested':
        return state.containment ? { ...state, containment: { ...state.containment, releaseRequestedBy: event.data.requestedBy } } : state;
      case 'SimTerminationRequested':
        return { ...state, pendingTermination: { requestedBy: event.data.requestedBy, reason: event.data.reason } };
      case 'SimTerminationCancelled':
        return { ...state, pendingTermination: undefined };
      case 'SimTerminated':
        return { ...state, status: 'terminated', pendingTermination: undefined };
      case 'SimStateObserved':
        return { ...state, observed: { ...state.observed, [event.data.mno]: event.data.state } };
      case 'SimLabelsSet':
        return { ...state, labels: event.data.labels };
      case 'EimPackageQueued':
        return { ...state, eim: { counter: event.data.counter, pending: [...state.eim.pending, { counter: event.data.counter, transactionId: event.data.transactionId, psmos: event.data.psmos }] } };
      case 'EimPackageExecuted': {
        const pkg = state.eim.pending.find((p) => p.counter === event.data.counter);
        const pending = state.eim.pending.filter((p) => p.counter !== event.data.counter);
        if (!pkg) return { ...state, eim: { ...state.eim, pending } };
        const profiles = profilesAfter(state.eid, state.profiles, pkg.psmos, event.data.results);
        const enabled = profiles.find((p) => p.state === 'enabled')?.iccid ?? state.enabledProfile;
        return { ...state, profiles, enabledProfile: enabled, eim: { ...state.eim, pending } };
      }
      case 'EimPackageRefused':
        return { ...state, eim: { ...state.eim, pending: state.eim.pending.filter((p) => p.counter !== event.data.counter) } };
      case 'ProfileOrderRequested':
      case 'ProfileOrdered':
      case 'ProfileOrderFailed':
      case 'ProfileDownloadProgressed':
      case 'ProfileDownloadTriggerDelivered':
        return evolveOrder(state, event);
    }
  },
};
