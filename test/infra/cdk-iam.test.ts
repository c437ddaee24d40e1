import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { routeKey } from '../../manifest/routes.ts';
import { TABLES } from '../../manifest/tables.ts';
import { FORWARDER_ID, PROJECTOR_ID, eventFunctionId, handlersTriggeredBy } from '../../infra/cdk/handlers.ts';
import { RECONCILER_ID } from '../../manifest/entry-points.ts';
import {
  actionsOn,
  build,
  eventStoreViolations,
  functionPolicy,
  isEventStore,
  isLeaseStatement,
  list,
  logicalId,
  regionTemplate,
  resources,
  statementsOf,
  synthesize,
  type Json,
  type Synthesized,
} from './support/cdk.ts';
import { built, eventStoreId, both } from './support/synthesized.ts';

describe.each(both())('the %s stack', (_name, stack, template) => {
  it('grants each function only what it uses', () => {
    const s = stack();
    const t = template();
    const table = (r: unknown) => r !== '*' && isEventStore(r, s === built.primary ? eventStoreId : undefined) && !/stream/i.test(JSON.stringify(r));
    const idempotencyId = logicalId(s, s.regionalTables.idempotency!);
    const idempotency = (r: unknown) => JSON.stringify(r).includes(idempotencyId);
    for (const h of handlersTriggeredBy('http').map((e) => ({ ...e, route: e.trigger.route }))) {
      const statements = functionPolicy(s, t, h.id);
      // (The devices' package route appends: a download trigger handed out records the request it answered.)
      const reads = h.route.method === 'GET';
      // (The signal push route only reads: it queues what it takes. The event catalogue and the OpenAPI document touch no storage.)
      const expected = h.route.entry === 'health.ts' ? ['dynamodb:GetItem'] : ['events/schemas.ts', 'openapi/serve.ts'].includes(h.route.entry) ? [] : reads || h.route.entry === 'signals/push.ts' ? ['dynamodb:Query'] : ['dynamodb:Query', 'dynamodb:PutItem'];
      expect(actionsOn(statements, table).sort(), routeKey(h.route)).toEqual(expected.sort());
      // Every POST keeps idempotency records, but creating a subscription (it refuses an Idempotency-Key: its response holds the secret) and the devices' routes (a signed result is recorded once by itself).
      // …nor the SM-DP+'s notifications (signed, each recorded once by itself).
      // …nor the MNOs' signal pushes (each batch id taken once by itself).
      const keepsRecords = h.route.method === 'POST' && routeKey(h.route) !== 'POST /v1/subscriptions' && !h.route.path.startsWith('/v1/esipa/') && !h.route.path.startsWith('/v1/es2plus/') && !h.route.path.startsWith('/v1/signals/');
      expect(actionsOn(statements, idempotency).length > 0, routeKey(h.route)).toBe(keepsRecords);
      // No route describes workflows or publishes; /health only asks the engine and the bus whether they answer; publishing a policy starts its cascade at once.
      const workflowAndBus = statements.flatMap((st) => list<string>(st.Action)).filter((a) => a.startsWith('states:') || a.startsWith('events:'));
      const expectedWorkflow =
        h.route.entry === 'health.ts' ? ['events:DescribeEventBus', 'states:DescribeStateMachine'] : routeKey(h.route) === 'POST /v1/policies/{policyId}/publish' ? ['states:StartExecution'] : [];
      expect(workflowAndBus.sort(), routeKey(h.route)).toEqual(expectedWorkflow);
    }
    for (const h of handlersTriggeredBy('task')) expect(actionsOn(functionPolicy(s, t, h.id), table).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
    // Bulk operations' items: the tasks write them (a chunk's outcomes and counts in one transaction); the routes only read them.
    const bulkItemsId = logicalId(s, s.regionalTables.bulkItems!);
    const bulkItems = (r: unknown) => JSON.stringify(r).includes(bulkItemsId);
    for (const h of handlersTriggeredBy('task'))
      expect(actionsOn(functionPolicy(s, t, h.id), bulkItems).sort(), h.id).toEqual(
        h.trigger.machine === 'bulk' ? ['dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] : [],
      );
    for (const h of handlersTriggeredBy('http')) {
      const reads = h.trigger.route.path.startsWith('/v1/bulk-operations/{bulkId}');
      expect(actionsOn(functionPolicy(s, t, h.id), bulkItems).sort(), h.id).toEqual(reads ? ['dynamodb:GetItem', 'dynamodb:Query'] : []);
    }
    // The state machines by their ARNs, made from their names (a reference would tie the starters' stack and the state machines' in a cycle: region-stack.ts).
    const machine = (name: string) => (r: unknown) => JSON.stringify(r).includes(`:stateMachine:${name}"`);
    expect(resources(t, 'AWS::StepFunctions::StateMachine').map(([, m]) => m.Properties.StateMachineName).sort()).toEqual(['switchboard-bulk', 'switchboard-cascade']);
    const bulkStarter = functionPolicy(s, t, eventFunctionId('start-bulk-execution'));
    expect(actionsOn(bulkStarter, machine('switchboard-bulk'))).toEqual(['states:StartExecution']);
    expect(actionsOn(bulkStarter, machine('switchboard-cascade'))).toEqual([]);

    const starter = functionPolicy(s, t, eventFunctionId('start-cascade-execution'));
    expect(actionsOn(starter, machine('switchboard-cascade'))).toEqual(['states:StartExecution']);
    expect(actionsOn(starter, machine('switchboard-bulk'))).toEqual([]);
    expect(actionsOn(starter, table)).toEqual([]);

    const forwarder = functionPolicy(s, t, FORWARDER_ID);
    expect(actionsOn(forwarder, (r) => JSON.stringify(r).includes(logicalId(s, s.bus)))).toEqual(['events:PutEvents']);
    // Commits only as a takeover reads them: their keys from the by-time index (keys only), the commits by BatchGetItem.
    expect(actionsOn(forwarder, table)).toEqual(['dynamodb:BatchGetItem']);
    expect(actionsOn(forwarder, (r) => /StreamArn/.test(JSON.stringify(r))).sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    // It writes nothing but the publishing lease's item (conditioned on its key), and queries only the by-time index.
    expect(forwarder.filter((st) => !isLeaseStatement(st)).flatMap((st) => list<string>(st.Action))).not.toContain('dynamodb:PutItem');
    expect(forwarder.filter(isLeaseStatement).flatMap((st) => list<string>(st.Action)).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);

    // The projector: the stream, Query on the event store (gaps), GetItem/PutItem on read-model rows, nothing else.
    const readModelsId = logicalId(s, s.regionalTables.readModels!);
    const readModelTable = (r: unknown) => JSON.stringify(r).includes(readModelsId) && !JSON.stringify(r).includes('/index/');
    const readModelIndexes = (r: unknown) => JSON.stringify(r).includes(readModelsId) && JSON.stringify(r).includes('/index/');
    const deadLettersId = logicalId(s, s.regionalTables.webhookDeadLetters!);
    const deadLetters = (r: unknown) => JSON.stringify(r).includes(deadLettersId);
    const projector = functionPolicy(s, t, PROJECTOR_ID);
    expect(actionsOn(projector, table)).toEqual(['dynamodb:Query']);
    expect(actionsOn(projector, readModelTable).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(actionsOn(projector, readModelIndexes)).toEqual([]);
    expect(actionsOn(projector, (r) => /StreamArn/.test(JSON.stringify(r))).sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    expect(actionsOn(projector, (r) => JSON.stringify(r).includes(logicalId(s, s.eventStoreKey)) || /:kms:|alias\/switchboard-events/.test(JSON.stringify(r)))).toContain('kms:Decrypt');
    // ... its own on-failure queue (the mapping sends a failed batch's position there in its role), and no other service.
    const projectorDlq = (r: unknown) => /ProjectorDlq/.test(JSON.stringify(r));
    expect(actionsOn(projector, projectorDlq)).toContain('sqs:SendMessage');
    expect(projector.filter((st) => list<string>(st.Action).some((a) => a.startsWith('sqs:'))).every((st) => list(st.Resource).every(projectorDlq))).toBe(true);
    const services = new Set(projector.flatMap((st) => list<string>(st.Action)).map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'kms', 'logs', 'sqs', 'xray']);

    // The read-model lists: Query on both indexes by name (not the table, not `/index/*`); no other route reaches the read models.
    const indexArns = (statements: Json[]) =>
      statements
        .filter((st) => list(st.Resource).some(readModelIndexes))
        .flatMap((st) => list(st.Resource).map((r) => JSON.stringify(r).match(/\/index\/([^"]+)"/)?.[1]));
    for (const h of handlersTriggeredBy('http').map((e) => ({ ...e, route: e.trigger.route }))) {
      const statements = functionPolicy(s, t, h.id);
      const key = routeKey(h.route);
      if (key === 'GET /v1/sims' || key === 'GET /v1/cascades' || key === 'GET /v1/bulk-operations' || key === 'GET /v1/alerts') {
        expect(actionsOn(statements, readModelIndexes), key).toEqual(['dynamodb:Query']);
        // The two list indexes, not the reconciler's index of every tenant's running cascades.
        expect(indexArns(statements).sort(), key).toEqual(['by-list', 'by-status']);
        // (The SIM list reads the rows of the SIMs over their cap by key.)
        expect(actionsOn(statements, readModelTable), key).toEqual(key === 'GET /v1/sims' ? ['dynamodb:GetItem'] : []);
      } else expect(actionsOn(statements, (r) => JSON.stringify(r).includes(readModelsId)), key).toEqual([]);
      // Only redelivering a dead letter reads a parked event; nothing in the API writes one.
      expect(actionsOn(statements, deadLetters), key).toEqual(key === 'POST /v1/subscriptions/{subscriptionId}/dead-letters/{eventId}/redeliver' ? ['dynamodb:GetItem'] : []);
    }
  });

  it('grants no one UpdateItem, DeleteItem or wildcard actions on the event store, and no wildcard action at all', () => {
    expect(eventStoreViolations(template(), stack() === built.primary ? eventStoreId : undefined)).toEqual([]);
    const wildcards = statementsOf(template()).filter(({ statement }) => list<string>(statement.Action).some((a) => a.includes('*')));
    expect(wildcards).toEqual([]);
  });
});

describe('the event store guard', () => {
  it('catches a statement that would let a function update, delete or do anything to a commit', () => {
    // Without cdk-nag, which would stop the synthesis of these (rightly) before the guard sees them.
    const app = build({}, { nag: false });
    const fn = app.primary.functions[handlersTriggeredBy('task')[0]!.id]!;
    fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [app.primary.eventStore.tableArn] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:*'], resources: [`${app.primary.eventStore.tableArn}/index/*`] }));
    const other = app.secondary.functions[FORWARDER_ID]!;
    other.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:DeleteItem'], resources: [app.secondary.eventStore.tableArn] }));
    const primaryId = logicalId(app.primary, app.primary.eventStore);
    expect(eventStoreViolations(regionTemplate(app.primary), primaryId).map((v) => v.statement.Action)).toEqual(['dynamodb:UpdateItem', 'dynamodb:*']);
    expect(eventStoreViolations(regionTemplate(app.secondary), undefined).map((v) => v.statement.Action)).toEqual(['dynamodb:DeleteItem']);
  });
});

describe.each(both())('the %s stack’s reconciler', (_name, stack, template) => {
  it('reads only the open-cascades index, appends to the event store, starts and describes cascade executions, and runs every minute', () => {
    const s = stack();
    const t = template();
    const statements = functionPolicy(s, t, RECONCILER_ID);
    // It reads the publishing lease's item alone (it runs only where the lease is).
    expect(statements.filter(isLeaseStatement).flatMap((st) => list<string>(st.Action))).toEqual(['dynamodb:GetItem']);
    const actions = statements.filter((st) => !isLeaseStatement(st)).flatMap((st) => list<string>(st.Action)).filter((a) => !/^(xray|logs|kms|sqs):/.test(a)); // traces, its logs, the event store's key, its failure destination
    expect([...new Set(actions)].sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Query', 'states:DescribeExecution', 'states:StartExecution']);
    expect(JSON.stringify(statements)).toContain('/index/open');
    expect(JSON.stringify(statements)).toContain('execution:switchboard-cascade:*');
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)', Name: 'switchboard-reconcile-cascades' });
  });
});
