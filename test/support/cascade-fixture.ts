import { afterAll, beforeAll } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { mnoGateways, type GatewayFor } from '../../adapters/mno-gateways/index.ts';
import { executeCommand } from '../../application/command.ts';
import { publishPolicy } from '../../application/policies/publish.ts';
import { enterpriseStream, mnoStream, policyStream } from '../../application/stream-ids.ts';
import { enterpriseDecider } from '../../domain/enterprise/decider.ts';
import { mnoDecider } from '../../domain/mno/decider.ts';
import { allChecksPassed } from '../../domain/mno/events.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import { useAdapters } from '../../functions/lambda/wiring.ts';
import { startMnoSimulator, type MnoSimulator } from '../../infra/local/mno-simulators/index.ts';
import { taskFunctionId } from '../../manifest/entry-points.ts';
import type { CascadeTaskName } from '../../manifest/cascade-workflow.ts';
import { invokeEntry } from './invoke.ts';

/**
 * For unit specs of the cascade's tasks: the in-memory event store, one simulated CMP in this
 * process registered and verified as `northwind-de`, a tenant working with it, and the task
 * handlers invoked as the state machine invokes them. `wrap` may stand between the tasks and the
 * CMP's gateway (to make something happen in the middle of a call).
 */
export const cascadeFixture = (options: { wrap?: (gateways: GatewayFor) => GatewayFor } = {}) => {
  const store = new MemoryEventStore();
  const context = { actor: 'alice', correlationId: 'c', region: 'local' };
  const tenant = 'acme';
  const fixture = { store, context, tenant, cmp: undefined as unknown as MnoSimulator };
  let published = 0;

  beforeAll(async () => {
    fixture.cmp = await startMnoSimulator({ id: 'northwind-de', style: 'rest-oauth2' });
    const gateways = mnoGateways({ get: async () => fixture.cmp.credentials });
    useAdapters({ eventStore: store, gateways: options.wrap ? options.wrap(gateways) : gateways });
    const registration = {
      id: 'northwind-de',
      name: 'Northwind',
      plmns: ['262-91'],
      countries: ['DE'],
      api: { style: 'rest-oauth2' as const, endpoint: fixture.cmp.url, credentialsRef: 'secret://mno/northwind-de' },
      capabilities: ['data.apns' as const, 'imeiLock' as const],
    };
    await executeCommand(store, mnoDecider, mnoStream('northwind-de'), { type: 'RegisterMno', registration }, context);
    await executeCommand(store, mnoDecider, mnoStream('northwind-de'), { type: 'RecordVerification', checks: allChecksPassed() }, context);
    await executeCommand(store, enterpriseDecider, enterpriseStream(tenant), { type: 'OnboardEnterprise', tenantId: tenant, name: 'Acme' }, context);
    await executeCommand(store, enterpriseDecider, enterpriseStream(tenant), { type: 'ChooseMnos', mnos: ['northwind-de'], registered: ['northwind-de'] }, context);
  });
  afterAll(() => fixture.cmp.stop());

  /** Sets the policy's draft and publishes it: its new version's cascade id. */
  const publish = async (policyId: string, document: object) => {
    await executeCommand(store, policyDecider, policyStream(tenant, policyId), { type: 'SetPolicyDraft', policyId, document: document as never, actor: 'alice' }, context);
    const { cascadeId } = await publishPolicy(store, tenant, policyId, `c-${policyId}-${++published}`, context);
    return cascadeId!;
  };

  /** A task of the cascade state machine, run as Step Functions runs it. */
  const task = (name: CascadeTaskName, input: unknown) => invokeEntry(taskFunctionId(name), input) as Promise<any>;

  /** One target's whole iteration as the Map runs it for a synchronous CMP: apply (read back at once), then, unless that verified it, VerifyOnMno. */
  const applyAndVerify = async (work: unknown) => {
    const applied = await task('ApplyToMno', work);
    return applied.verified === true ? applied : task('VerifyOnMno', applied);
  };

  return Object.assign(fixture, { publish, task, applyAndVerify });
};
