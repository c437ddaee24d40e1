import type { EnterpriseState } from '../../domain/enterprise/decider.ts';

export const enterpriseView = (state: EnterpriseState, version: number) =>
  state.status === 'none' ? undefined : { tenantId: state.tenantId, name: state.name, status: state.status, version };
