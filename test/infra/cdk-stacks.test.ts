import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { BUS_NAME, EVENT_RULES, type EventRule } from '../../manifest/rules.ts';
import { ROUTES, routeKey } from '../../manifest/routes.ts';
import { TABLES, type TableDefinition } from '../../manifest/tables.ts';
import { BULK_DEFINITION, BULK_TASKS } from '../../manifest/bulk-workflow.ts';
import { CASCADE_DEFINITION, CASCADE_TASKS, substitute } from '../../manifest/cascade-workflow.ts';
import { HANDLER_STACKS } from '../../infra/cdk/handler-stacks.ts';
import { ALL_HANDLERS, FORWARDER_ID, PROJECTOR_ID, WEBHOOK_DELIVER_ID, eventFunctionId, handlersTriggeredBy, routeFunctionId, type HandlerSpec } from '../../infra/cdk/handlers.ts';
import { EVENT_FUNCTIONS } from '../../manifest/rules.ts';
import { logicalId, resources, stacksOf, type Json } from './support/cdk.ts';
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
    // …the four schedules (the cascade reconciler, the MNOs' health probe, the signal poll, the network's verification), and the signal consumer and file reader.
    expect(Object.keys(functions)).toHaveLength(ROUTES.length + Object.keys(CASCADE_TASKS).length + Object.keys(BULK_TASKS).length + Object.keys(EVENT_FUNCTIONS).length + 2 + 2 + 5 + 2);
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

/** Where each function goes (infra/cdk/handler-stacks.ts), said again from the manifest: a GET route, another route, anything else. */
const expectedStack = (spec: HandlerSpec) => (spec.trigger.kind !== 'http' ? 'Workers' : spec.trigger.route.method === 'GET' ? 'HttpReads' : 'HttpCommands');

describe.each(both())('the %s stack’s nested stacks', (_name, stack, template) => {
  it('hold every function, with its role: GET routes in HttpReads, the other routes in HttpCommands, every other function in Workers', () => {
    const nested = stacksOf(stack()).slice(1);
    expect(nested.map((n) => n.node.id).sort()).toEqual(Object.values(HANDLER_STACKS).map((s) => s.id).sort());
    for (const spec of ALL_HANDLERS) {
      const fn = stack().functions[spec.id]!;
      expect(Stack.of(fn).node.id, spec.id).toBe(expectedStack(spec));
      expect(Stack.of(fn).nestedStackParent, spec.id).toBe(stack());
      expect(Stack.of(fn.role!), spec.id).toBe(Stack.of(fn));
    }
    // The regional stack runs no handler of its own (the secondary's one function is CDK's custom resource provider, reading the replica's stream ARN).
    const own = Template.fromStack(stack()).findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'switchboard' } } } });
    expect(Object.keys(own)).toEqual([]);
  });

  it('hold each route with its integration and invoke permission beside its function; the API, its stage and the authorizer stay in the regional stack', () => {
    for (const h of handlersTriggeredBy('http')) {
      const fn = stack().functions[h.id]!;
      const t = Template.fromStack(Stack.of(fn));
      const [[, route]] = resources(t, 'AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey === routeKey(h.trigger.route)) as [[string, Json]];
      const integrationId = JSON.stringify(route.Properties.Target).match(/"Ref":"([^"]+)"/)![1]!;
      // The function by its own logical id: no parameter between the route and its function.
      expect(t.toJSON().Resources[integrationId].Properties.IntegrationUri, h.id).toEqual({ 'Fn::GetAtt': [logicalId(stack(), fn), 'Arn'] });
      const permissions = resources(t, 'AWS::Lambda::Permission').filter(([, p]) => JSON.stringify(p.Properties.FunctionName).includes(`"${logicalId(stack(), fn)}"`));
      expect(permissions.map(([, p]) => p.Properties.Principal), h.id).toEqual(['apigateway.amazonaws.com']);
    }
    const regional = Template.fromStack(stack());
    for (const type of ['AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::Authorizer']) regional.resourceCountIs(type, 1);
    regional.resourceCountIs('AWS::ApiGatewayV2::Route', 0);
  });

  it('share one log group per kind of handler, the regional stack’s, whichever nested stack the functions are in', () => {
    const regional = Template.fromStack(stack()).toJSON().Resources;
    const groups = new Map<string, Set<string>>();
    for (const spec of ALL_HANDLERS) {
      // As deployed: the nested stack's parameter, written as the group the regional stack passes it.
      const group = (template().toJSON().Resources[logicalId(stack(), stack().functions[spec.id]!)].Properties.LoggingConfig as Json).LogGroup.Ref as string;
      expect(regional[group]?.Type, spec.id).toBe('AWS::Logs::LogGroup');
      groups.set(spec.kind, (groups.get(spec.kind) ?? new Set()).add(group));
    }
    expect([...groups.keys()].sort()).toEqual([...new Set(ALL_HANDLERS.map((h) => h.kind))].sort());
    for (const [kind, ids] of groups) expect([...ids], kind).toHaveLength(1);
  });
});

/**
 * Each stack's resources, against CloudFormation's 500 a stack, and its parameters and outputs (the
 * references across stacks), against its 200 of each. The limit leaves room: a route adds six
 * resources to its stack, another function three or more (infra/cdk/handler-stacks.ts says how the
 * functions are split, and how to split them further). The test names give the counts; at this
 * writing regional 87 / 86 (primary / secondary), HttpReads 132, HttpCommands 198, Workers 78,
 * where one stack held 492 before the split.
 */
const RESOURCE_LIMIT = 400;
const sizes = stacksOf(built.primary)
  .concat(stacksOf(built.secondary))
  .map((s) => {
    const t = Template.fromStack(s).toJSON();
    return { path: s.node.path, resources: Object.keys(t.Resources).length, parameters: Object.keys(t.Parameters ?? {}).length, outputs: Object.keys(t.Outputs ?? {}).length };
  });

describe('the stacks’ sizes', () => {
  it.each(sizes)(`$path: $resources resources, under ${RESOURCE_LIMIT} (CloudFormation takes 500); $parameters parameters and $outputs outputs, under 150 (it takes 200)`, ({ resources, parameters, outputs }) => {
    expect(resources).toBeLessThan(RESOURCE_LIMIT);
    expect(parameters).toBeLessThan(150);
    expect(outputs).toBeLessThan(150);
  });
});
