import type { Decider } from '../decider.ts';
import { eventSchemas } from '../events.ts';
import { MnoEvents } from './events.ts';
import { DomainError } from '../errors.ts';
import { plmnFitsItsCountry } from '../identifiers/plmn.ts';
import { REQUIRED_CHECKS, type CheckResults, type MnoEvent, type MnoRegistration } from './events.ts';

export type MnoCommand =
  | { type: 'RegisterMno'; registration: MnoRegistration }
  | { type: 'RecordVerification'; checks: CheckResults }
  | { type: 'ChangeMnoApi'; api: MnoRegistration['api'] }
  | { type: 'DeclareOutage'; reason: string }
  | { type: 'ClearOutage'; reason?: string | undefined }
  /** A health probe of its CMP at `at` (the caller's clock): whether the CMP answered, and after how long failing counts as an outage. */
  | { type: 'RecordProbe'; ok: boolean; at: string; detail?: string | undefined; failAfterMs: number };

export type MnoState =
  | { status: 'unknown' }
  | {
      /** `unverified` until the security checks are recorded; only `verified` MNOs get work. */
      status: 'unverified' | 'verified' | 'quarantined';
      registration: MnoRegistration;
      checks?: CheckResults | undefined;
      outage?: { reason: string; detectedBy?: 'health-probe' | undefined } | undefined;
      /** Since when the health probe has failed without a success in between. */
      probeFailingSince?: string | undefined;
    };

/** Why an MNO gets no new work, or undefined when it may. */
export const unavailableReason = (state: MnoState): string | undefined => {
  if (state.status === 'unknown') return 'the MNO is not registered';
  if (state.status === 'unverified') return 'the MNO has not passed security verification';
  if (state.status === 'quarantined') return 'the MNO is quarantined: it failed security verification';
  if (state.outage) return `the MNO is in outage: ${state.outage.reason}`;
  return undefined;
};

/**
 * Outage detection, pure: the first failed probe starts the count (`MnoProbeFailing`); failing for
 * `failAfterMs` declares an outage (`detectedBy: health-probe`) unless one is declared already; the
 * first success ends the count and clears an outage the probe declared (an operator's declaration
 * stays until an operator clears it).
 */
const probeOutcome = (state: Exclude<MnoState, { status: 'unknown' }>, probe: Extract<MnoCommand, { type: 'RecordProbe' }>): MnoEvent[] => {
  if (probe.ok) {
    if (!state.probeFailingSince) return [];
    return [
      { type: 'MnoProbeRecovered', data: { at: probe.at } },
      ...(state.outage?.detectedBy === 'health-probe' ? [{ type: 'MnoOutageCleared' as const, data: { reason: 'its CMP answers the health probe again' } }] : []),
    ];
  }
  if (!state.probeFailingSince) return [{ type: 'MnoProbeFailing', data: { since: probe.at, detail: probe.detail ?? 'no answer' } }];
  if (state.outage || Date.parse(probe.at) - Date.parse(state.probeFailingSince) < probe.failAfterMs) return [];
  return [{ type: 'MnoOutageDeclared', data: { reason: `its CMP has failed the health probe since ${state.probeFailingSince} (${probe.detail ?? 'no answer'})`, detectedBy: 'health-probe' } }];
};

export const mnoDecider: Decider<MnoCommand, MnoEvent, MnoState> = {
  events: eventSchemas(MnoEvents),
  initialState: { status: 'unknown' },

  decide(command, state) {
    if (command.type === 'RegisterMno') {
      if (state.status !== 'unknown') throw new DomainError('conflict', 'mno-exists', 'an MNO with this id is already registered');
      const misfit = command.registration.plmns.filter((plmn) => !plmnFitsItsCountry(plmn));
      if (misfit.length > 0)
        throw new DomainError('invalid', 'plmn-mnc-length', `${misfit.join(', ')}: the MNC has not the length its country uses (3 digits in North America, e.g. 310-410; 2 in most others)`);
      return [{ type: 'MnoRegistered', data: command.registration }];
    }
    if (state.status === 'unknown') throw new DomainError('not-found', 'mno-not-found', 'MNO not found');
    switch (command.type) {
      case 'RecordVerification': {
        const failed = REQUIRED_CHECKS.filter((c) => command.checks[c]?.passed !== true);
        return failed.length === 0
          ? [{ type: 'MnoVerified', data: { checks: command.checks } }]
          : [{ type: 'MnoQuarantined', data: { checks: command.checks, failed } }];
      }
      case 'ChangeMnoApi': {
        const current = state.registration.api;
        const same = current.style === command.api.style && current.endpoint === command.api.endpoint && current.credentialsRef === command.api.credentialsRef && current.smdpEndpoint === command.api.smdpEndpoint && current.rateLimitPerSecond === command.api.rateLimitPerSecond;
        return same ? [] : [{ type: 'MnoApiChanged', data: { api: command.api } }];
      }
      case 'DeclareOutage':
        // An operator declaring what the probe declared takes it over: the probe's next answer no longer clears it.
        return state.outage && state.outage.detectedBy === undefined ? [] : [{ type: 'MnoOutageDeclared', data: { reason: command.reason } }];
      case 'ClearOutage':
        return state.outage ? [{ type: 'MnoOutageCleared', data: { reason: command.reason } }] : [];
      case 'RecordProbe':
        return probeOutcome(state, command);
    }
  },

  evolve(state, event) {
    if (event.type === 'MnoRegistered') return { status: 'unverified', registration: event.data };
    if (state.status === 'unknown') return state;
    switch (event.type) {
      case 'MnoVerified':
        return { ...state, status: 'verified', checks: event.data.checks };
      case 'MnoQuarantined':
        return { ...state, status: 'quarantined', checks: event.data.checks };
      case 'MnoApiChanged':
        return { ...state, registration: { ...state.registration, api: event.data.api } };
      case 'MnoOutageDeclared':
        return { ...state, outage: { reason: event.data.reason, ...(event.data.detectedBy && { detectedBy: event.data.detectedBy }) } };
      case 'MnoProbeFailing':
        return { ...state, probeFailingSince: event.data.since };
      case 'MnoProbeRecovered':
        return { ...state, probeFailingSince: undefined };
      case 'MnoOutageCleared':
        // Cleared (by an operator, or the probe): a CMP still failing must fail the probe for the whole time again.
        return { ...state, outage: undefined, probeFailingSince: undefined };
    }
  },
};
