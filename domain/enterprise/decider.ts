import type { Decider } from '../decider.ts';
import { eventSchemas } from '../events.ts';
import { EnterpriseEvents } from './events.ts';
import { DomainError } from '../errors.ts';
import { DEFAULT_SETTINGS, type EnterpriseEvent, type EnterpriseSettings } from './events.ts';

export type EnterpriseCommand =
  | { type: 'OnboardEnterprise'; tenantId: string; name: string }
  | { type: 'SuspendEnterprise'; reason?: string | undefined }
  | { type: 'ReinstateEnterprise'; reason?: string | undefined }
  /** `registered`: the MNO ids the platform knows, looked up by the caller. */
  | { type: 'ChooseMnos'; mnos: string[]; registered: readonly string[] }
  | { type: 'ChangeSettings'; settings: EnterpriseSettings };

export type EnterpriseState =
  | { status: 'none' }
  | { status: 'active' | 'suspended'; tenantId: string; name: string; mnos: readonly string[]; settings: EnterpriseSettings };

/** The MNOs the enterprise works with: the only ones its SIM profiles may name and its policies are cascaded to. */
export const chosenMnos = (state: EnterpriseState): readonly string[] => (state.status === 'none' ? [] : state.mnos);

export const enterpriseDecider: Decider<EnterpriseCommand, EnterpriseEvent, EnterpriseState> = {
  events: eventSchemas(EnterpriseEvents),
  initialState: { status: 'none' },

  decide(command, state) {
    if (command.type === 'OnboardEnterprise') {
      if (state.status !== 'none')
        throw new DomainError('conflict', 'enterprise-exists', 'an enterprise with this tenant id is already onboarded');
      return [{ type: 'EnterpriseOnboarded', data: { tenantId: command.tenantId, name: command.name } }];
    }
    if (state.status === 'none') throw new DomainError('not-found', 'enterprise-not-found', 'enterprise not found');
    if (command.type === 'ChooseMnos') {
      const unknown = command.mnos.filter((m) => !command.registered.includes(m));
      if (unknown.length > 0) throw new DomainError('invalid', 'unknown-mno', `no MNO is registered as ${unknown.join(', ')}`);
      const mnos = [...new Set(command.mnos)].sort();
      const same = mnos.length === state.mnos.length && mnos.every((m, i) => m === state.mnos[i]);
      return same ? [] : [{ type: 'EnterpriseMnosChosen', data: { mnos } }];
    }
    if (command.type === 'ChangeSettings') {
      // Settings compared as they apply: a default named or left out is the same setting.
      const applied = (settings: EnterpriseSettings) => JSON.stringify(Object.entries({ ...DEFAULT_SETTINGS, ...settings }).sort(([a], [b]) => a.localeCompare(b)));
      const same = applied(command.settings) === applied(state.settings);
      return same ? [] : [{ type: 'EnterpriseSettingsChanged', data: { settings: command.settings } }];
    }
    if (command.type === 'SuspendEnterprise')
      return state.status === 'suspended' ? [] : [{ type: 'EnterpriseSuspended', data: { reason: command.reason } }];
    return state.status === 'active' ? [] : [{ type: 'EnterpriseReinstated', data: { reason: command.reason } }];
  },

  evolve(state, event) {
    switch (event.type) {
      case 'EnterpriseOnboarded':
        return { status: 'active', tenantId: event.data.tenantId, name: event.data.name, mnos: [], settings: DEFAULT_SETTINGS };
      case 'EnterpriseSuspended':
        return state.status === 'none' ? state : { ...state, status: 'suspended' };
      case 'EnterpriseReinstated':
        return state.status === 'none' ? state : { ...state, status: 'active' };
      case 'EnterpriseMnosChosen':
        return state.status === 'none' ? state : { ...state, mnos: event.data.mnos };
      case 'EnterpriseSettingsChanged':
        return state.status === 'none' ? state : { ...state, settings: event.data.settings };
    }
  },
};
