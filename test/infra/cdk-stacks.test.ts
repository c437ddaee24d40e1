import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { BUS_NAME, EVENT_RULES, type EventRule } from '../../manifest/rules.ts';
import { ROUTES, routeKey } from '../../manifest/routes.ts';
import { TABLES, type TableDefinition } from '../../manifest/tables.ts';
import { BULK_DEFINITION, BULK_TASKS } from '../../manifest/bulk-workflow.ts';
import { CASCADE_DEFINITION, CASCADE_TASKS, substitute } from '../../manifest/cascade-workflow.ts';
import { ALL_HANDLERS, FORWARDER_ID, PROJECTOR_ID, WEBHOOK_DELIVER_ID, eventFunctionId, handlersTriggeredBy, routeFunctionId } from '../../infra/cdk/handlers.ts';
import { EVENT_FUNCTIONS } from '../../manifest/rules.ts';
import { logicalId, resources, type Json } from './support/cdk.ts';
import { both, built, eventStoreId, secondary } from './support/synthesized.ts';

describe.each(both())('the %s stack', (_name, stack, template) => {
  it('has the regional tables from TABLES', () => {
    for (const def of Object.values(TABLES) as TableDefinition[]) {
      if (def.scope !== 'regional') continue;
      template().hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        TableName: def.name,
        KeySchema: Match.arrayWith([{ AttributeName: def.partitionKey.name, KeyType: 'HASH' }]),
        ...(def.timeToLiveAttribute ? { TimeToLiveSpecification: { AttributeName: def.timeToLiveAttribute, Enabled: true } } : {}),
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      });
    }
  });

  it('has one function per route, cascade task, event function, webhook delivery function, and stream consumer (forwarder, projector): Node 24, arm64, X-Ray, Powertools, table names', () => {
    const functions = template().findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'switchboard' } } } });
    expect(handlersTriggeredBy('stream').map((h) => h.id)).toEqual([FORWARDER_ID, PROJECTOR_ID]);
    // Routes, cascade tasks, rule functions, two webhook delivery functions (first attempts, retries), two stream consumers, the reconciler.
    // …and the two schedules (the cascade reconciler, the MNOs' health probe).
    expect(Object.keys(functions)).toHaveLength(ROUTES.length + Object.keys(CASCADE_TASKS).length + Object.keys(BULK_TASKS).length + Object.keys(EVENT_FUNCTIONS).length + 2 + 2 + 2);
    for (const spec of ALL_HANDLERS) {
      const fn = functions[logicalId(stack(), stack().functions[spec.id]!)]!;
      expect(fn, spec.id).toBeDefined();
      expect(fn.Properties).toMatchObject({
        Handler: `index.${spec.handler}`,
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: {
            POWERTOOLS_SERVICE_NAME: 'switchboard',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            POWERTOOLS_METRICS_NAMESPACE: 'Switchboard',
            ...Object.fromEntries((Object.values(TABLES) as TableDefinition[]).map((t) => [t.envVar, t.name])),
          },
        },
      });
    }
    // The Lambda runs the handler the shared wiring names: same entry module, same export.
    expect(handlersTriggeredBy('http').map((h) => [routeKey(h.trigger.route), h.entry.split('functions/http/')[1], h.handler])).toEqual(ROUTES.map((r) => [routeKey(r), r.entry, r.handler]));
  });

  it('serves every route of the route table with the JWT authorizer and exactly its scopes; /health without one', () => {
    const t = template();
    const routes = Object.values(t.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(ROUTES.map(routeKey).sort());
    const integrations = t.findResources('AWS::ApiGatewayV2::Integration');
    for (const route of ROUTES) {
      const deployed = routes.find((r) => r.RouteKey === routeKey(route))!;
      if ('public' in route && route.public) {
        expect(deployed.AuthorizationType).toBe('NONE');
        expect(deployed.AuthorizationScopes).toBeUndefined();
      } else {
        expect(deployed.AuthorizationType, routeKey(route)).toBe('JWT');
        expect(deployed.AuthorizerId).toBeDefined();
        expect(deployed.AuthorizationScopes ?? []).toEqual(route.scopes);
      }
      // ... and reaches that route's own function.
      const integrationId = JSON.stringify(deployed.Target).match(/"Ref":"([^"]+)"/)![1]!;
      expect(JSON.stringify(integrations[integrationId]!.Properties.IntegrationUri)).toContain(logicalId(stack(), stack().functions[routeFunctionId(route)]!));
    }
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://issuer.example.com/', Audience: ['switchboard-api', 'switchboard-ops'] },
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: built.settings.apiRateLimit, ThrottlingBurstLimit: built.settings.apiBurstLimit },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('\\$context\\.requestId') },
    });
  });

  it('runs the shared cascade ASL, each task substituted by its own function, as a Standard state machine that logs ALL and traces', () => {
    const [, sm] = (resources(template(), 'AWS::StepFunctions::StateMachine') as [string, Json][]).find(([id]) => id === logicalId(stack(), stack().stateMachine))!;
    expect(sm.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      TracingConfiguration: { Enabled: true },
    });
    expect(JSON.parse(sm.Properties.DefinitionString)).toEqual(CASCADE_DEFINITION);
    const substitutions = sm.Properties.DefinitionSubstitutions as Record<string, Json>;
    expect(Object.keys(substitutions).sort()).toEqual(Object.values(CASCADE_TASKS).map((t) => t.substitution).sort());
    // What Step Functions runs: the definition with each substitution applied, as CloudFormation does.
    const byName = Object.fromEntries(Object.entries(substitutions).map(([key, value]) => [key, `arn:${value['Fn::GetAtt'][0]}`]));
    const applied = JSON.parse((sm.Properties.DefinitionString as string).replace(/\$\{(\w+)\}/g, (_, key: string) => byName[key]!));
    expect(applied).toEqual(substitute(byName));
    for (const task of handlersTriggeredBy('task').filter((t) => t.trigger.machine === 'cascade')) expect(byName[task.trigger.substitution]).toBe(`arn:${logicalId(stack(), stack().functions[task.id]!)}`);
    expect(JSON.stringify(applied)).not.toMatch(/\$\{/);
  });

  it('runs the shared bulk ASL (a Distributed Map) with its own task functions, its role starting and watching only its own child executions', () => {
    const [, sm] = (resources(template(), 'AWS::StepFunctions::StateMachine') as [string, Json][]).find(([id]) => id === logicalId(stack(), stack().bulkStateMachine))!;
    expect(sm.Properties).toMatchObject({ StateMachineType: 'STANDARD', StateMachineName: 'switchboard-bulk', LoggingConfiguration: { Level: 'ALL' }, TracingConfiguration: { Enabled: true } });
    expect(JSON.parse(sm.Properties.DefinitionString)).toEqual(BULK_DEFINITION);
    const substitutions = sm.Properties.DefinitionSubstitutions as Record<string, Json>;
    expect(Object.keys(substitutions).sort()).toEqual(Object.values(BULK_TASKS).map((t) => t.substitution).sort());
    for (const task of handlersTriggeredBy('task').filter((t) => t.trigger.machine === 'bulk'))
      expect(substitutions[task.trigger.substitution]).toEqual({ 'Fn::GetAtt': [logicalId(stack(), stack().functions[task.id]!), 'Arn'] });
    const policy = JSON.stringify(Object.values(template().findResources('AWS::IAM::Policy')).filter((p: any) => JSON.stringify(p.Properties.Roles).includes(logicalId(stack(), stack().bulkStateMachine.role))));
    expect(policy).toContain('states:StartExecution');
    expect(policy).toContain('execution:switchboard-bulk/*');
  });

  it.each([FORWARDER_ID, PROJECTOR_ID])(
    'feeds the event store stream to %s with bisection, a record age limit, retries, an SQS on-failure destination of its own and partial batch responses',
    (id) => {
      const t = template();
      const mappings = Object.values(t.findResources('AWS::Lambda::EventSourceMapping')).map((m) => m.Properties);
      const mine = mappings.filter((m) => JSON.stringify(m.FunctionName) === JSON.stringify({ Ref: logicalId(stack(), stack().functions[id]!) }));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        BisectBatchOnFunctionError: true,
        MaximumRecordAgeInSeconds: 86400,
        MaximumRetryAttempts: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } },
      });
      // The event store's stream (the primary's own table, the secondary's replica) ...
      expect(JSON.stringify(mine[0]!.EventSourceArn)).toMatch(stack() === built.primary ? new RegExp(`"${eventStoreId}","StreamArn"`) : /EventStoreReplicaStream/);
      // ... and an SQS queue no other consumer shares.
      const queue = mine[0]!.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
      expect(t.toJSON().Resources[queue].Type).toBe('AWS::SQS::Queue');
      expect(mappings.filter((m) => String(JSON.stringify(m.DestinationConfig)).includes(`"${queue}"`))).toHaveLength(1);
    },
  );

  it('has the custom bus with the shared rules, their dead-letter queue, and the archive', () => {
    const t = template();
    t.hasResourceProperties('AWS::Events::EventBus', { Name: BUS_NAME });
    const rules = Object.values(t.findResources('AWS::Events::Rule')).map((r) => r.Properties);
    for (const rule of EVENT_RULES as readonly EventRule[]) {
      const deployed = rules.find((r) => r.Name === rule.name);
      switch (rule.target.kind) {
        case 'function': {
          expect(deployed, rule.name).toBeDefined();
          expect(deployed!.EventPattern).toEqual(rule.eventPattern);
          expect(deployed!.EventBusName).toEqual({ Ref: logicalId(stack(), stack().bus) });
          const target = rule.target.function;
          expect(deployed!.Targets).toEqual([
            expect.objectContaining({
              Arn: { 'Fn::GetAtt': [logicalId(stack(), stack().functions[eventFunctionId(target)]!), 'Arn'] },
              DeadLetterConfig: { Arn: expect.anything() },
              RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: 8 }),
            }),
          ]);
          break;
        }
        case 'archive':
          t.hasResourceProperties('AWS::Events::Archive', { EventPattern: rule.eventPattern, SourceArn: Match.anyValue(), RetentionDays: 365 });
          break;
        case 'webhooks':
          // The deliver function (the retry queue and its consumer: test/infra/cdk-webhooks.test.ts).
          expect(deployed!.EventPattern).toEqual(rule.eventPattern);
          expect(deployed!.Targets).toEqual([
            expect.objectContaining({
              Arn: { 'Fn::GetAtt': [logicalId(stack(), stack().functions[WEBHOOK_DELIVER_ID]!), 'Arn'] },
              DeadLetterConfig: { Arn: expect.anything() },
              RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: 8 }),
            }),
          ]);
          break;
        case 'log-group':
          // The log group and its target: test/infra/cdk-ops-feed.test.ts.
          expect(deployed, rule.name).toBeDefined();
          break;
        default:
          throw new Error(`rule ${rule.name}: a target kind this test does not know`);
      }
    }
  });
});

describe.each(both())('the %s stack’s size', (_name, _stack, template) => {
  it('stays well under CloudFormation’s 500 resources a stack (handlers of a kind share a log group); the margin is for what is still to come', () => {
    const count = Object.keys(template().toJSON().Resources).length;
    expect(count).toBeLessThan(460);
  });
});
