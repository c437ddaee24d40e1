import type { EnterpriseState } from '../../domain/enterprise/decider.ts';
import type * as z from '../../domain/zod-mini.ts';
import type { Enterprise } from './enterprises.schema.ts';

export const enterpriseView = (state: EnterpriseState, version: number): z.output<typeof Enterprise> | undefined =>
  state.status === 'none' ? undefined : { tenantId: state.tenantId, name: state.name, status: state.status, version };
