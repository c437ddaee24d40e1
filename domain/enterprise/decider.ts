import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import type { EnterpriseEvent } from './events.ts';

export type EnterpriseCommand =
  | { type: 'OnboardEnterprise'; tenantId: string; name: string }
  | { type: 'SuspendEnterprise'; reason?: string | undefined }
  | { type: 'ReinstateEnterprise'; reason?: string | undefined };

export type EnterpriseState =
  | { status: 'none' }
  | { status: 'active' | 'suspended'; tenantId: string; name: string };

export const enterpriseDecider: Decider<EnterpriseCommand, EnterpriseEvent, EnterpriseState> = {
  initialState: { status: 'none' },

  decide(command, state) {
    if (command.type === 'OnboardEnterprise') {
      if (state.status !== 'none')
        throw new DomainError('conflict', 'enterprise-exists', 'an enterprise with this tenant id is already onboarded');
      return [{ type: 'EnterpriseOnboarded', data: { tenantId: command.tenantId, name: command.name } }];
    }
    if (state.status === 'none') throw new DomainError('not-found', 'enterprise-not-found', 'enterprise not found');
    if (command.type === 'SuspendEnterprise')
      return state.status === 'suspended' ? [] : [{ type: 'EnterpriseSuspended', data: { reason: command.reason } }];
    return state.status === 'active' ? [] : [{ type: 'EnterpriseReinstated', data: { reason: command.reason } }];
  },

  evolve(state, event) {
    switch (event.type) {
      case 'EnterpriseOnboarded':
        return { status: 'active', tenantId: event.data.tenantId, name: event.data.name };
      case 'EnterpriseSuspended':
        return state.status === 'none' ? state : { ...state, status: 'suspended' };
      case 'EnterpriseReinstated':
        return state.status === 'none' ? state : { ...state, status: 'active' };
    }
  },
};
