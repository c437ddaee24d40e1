import { Validations, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUS_NAME, EVENT_RULES, type EventRule } from '../../functions/events/rules.ts';
import { ROUTES, routeKey } from '../../functions/http/routes.ts';
import { TABLES, type TableDefinition } from '../../functions/tables.ts';
import { CASCADE_DEFINITION, CASCADE_TASKS, substitute } from '../../functions/workflow/cascade-workflow.ts';
import {
  ALL_HANDLERS,
  EVENT_HANDLERS,
  FORWARDER_ID,
  PROJECTOR_ID,
  ROUTE_HANDLERS,
  STREAM_HANDLERS,
  TASK_HANDLERS,
  eventFunctionId,
  routeFunctionId,
} from '../../infra/cdk/handlers.ts';
import type { SwitchboardRegionStack } from '../../infra/cdk/region-stack.ts';
import { switchboardApp } from '../../infra/cdk/switchboard-app.ts';

type Json = Record<string, any>;

/** Synthesis without bundling (CDK's own switch: no stack is bundled); `npm run synth` bundles. */
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

const build = (context: Record<string, unknown> = {}, options: { nag?: boolean } = {}) => switchboardApp({ context: { ...NO_BUNDLING, ...context } }, options);

const logicalId = (stack: Stack, c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);

const resources = (t: Template, type: string): [string, Json][] => Object.entries(t.findResources(type));

/** Every statement of every identity policy in a template (policies and roles' inline policies). */
const statementsOf = (t: Template) => {
  const out: { owner: string; statement: Json }[] = [];
  for (const [id, r] of [...resources(t, 'AWS::IAM::Policy'), ...resources(t, 'AWS::IAM::ManagedPolicy')])
    for (const s of r.Properties.PolicyDocument.Statement) out.push({ owner: id, statement: s });
  for (const [id, r] of resources(t, 'AWS::IAM::Role'))
    for (const p of r.Properties.Policies ?? []) for (const s of p.PolicyDocument.Statement) out.push({ owner: id, statement: s });
  return out;
};

const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Does this (unresolved) resource expression name the event store table? */
const isEventStore = (resource: unknown, eventStoreLogicalId: string | undefined) => {
  const text = JSON.stringify(resource);
  return (eventStoreLogicalId !== undefined && text.includes(`"${eventStoreLogicalId}"`)) || text.includes(`table/${TABLES.events.name}`) || text === '"*"';
};

const FORBIDDEN_ON_EVENT_STORE = ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'];

/** Statements that could change or delete a commit, or grant wildcard actions, on the event store. */
const eventStoreViolations = (t: Template, eventStoreLogicalId: string | undefined) =>
  statementsOf(t).filter(({ statement }) => {
    if (statement.Effect !== 'Allow') return false;
    const actions = list<string>(statement.Action);
    const wildcard = actions.some((a) => a === '*' || a.includes('*'));
    const forbidden = actions.some((a) => FORBIDDEN_ON_EVENT_STORE.includes(a));
    return (wildcard || forbidden) && list(statement.Resource).some((r) => isEventStore(r, eventStoreLogicalId));
  });

const functionPolicy = (stack: SwitchboardRegionStack, t: Template, fnId: string) => {
  const roleId = logicalId(stack, stack.functions[fnId]!.role!);
  return statementsOf(t)
    .filter(({ statement }) => statement)
    .filter(({ owner }) => {
      const policy = t.toJSON().Resources[owner];
      return list<Json>(policy.Properties.Roles).some((r) => r.Ref === roleId);
    })
    .map(({ statement }) => statement);
};

const actionsOn = (statements: Json[], resourceMatches: (r: unknown) => boolean) =>
  statements.filter((s) => list(s.Resource).some(resourceMatches)).flatMap((s) => list<string>(s.Action));

let built: ReturnType<typeof build>;
let primary: Template;
let secondary: Template;
let eventStoreId: string;

beforeAll(() => {
  built = build({ jwtIssuer: 'https://issuer.example.com/', jwtAudience: 'switchboard-api,switchboard-ops' });
  primary = Template.fromStack(built.primary);
  secondary = Template.fromStack(built.secondary);
  eventStoreId = logicalId(built.primary, built.primary.eventStore);
});

const both = () =>
  [
    ['primary', () => built.primary, () => primary],
    ['secondary', () => built.secondary, () => secondary],
  ] as const;

describe('the event store', () => {
  it('is one global table in the primary stack, replicated to the secondary region with strong consistency and a witness', () => {
    primary.resourceCountIs('AWS::DynamoDB::GlobalTable', 1 + Object.values(TABLES).filter((t: TableDefinition) => t.scope === 'regional').length);
    primary.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: {
        TableName: TABLES.events.name,
        KeySchema: [
          { AttributeName: TABLES.events.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: TABLES.events.sortKey.name, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'v', AttributeType: 'N' },
        ]),
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
        MultiRegionConsistency: 'STRONG',
        GlobalTableWitnesses: [{ Region: built.settings.witnessRegion }],
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      },
    });
    const [, table] = resources(primary, 'AWS::DynamoDB::GlobalTable').find(([id]) => id === eventStoreId)!;
    for (const region of [built.settings.primaryRegion, built.settings.secondaryRegion])
      expect(table.Properties.Replicas.find((r: Json) => r.Region === region), region).toMatchObject({
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { KMSMasterKeyId: expect.anything() },
      });
    // The secondary stack has no event store of its own: it uses the replica.
    expect(Object.values(secondary.findResources('AWS::DynamoDB::GlobalTable')).map((r) => r.Properties.TableName)).not.toContain(TABLES.events.name);
  });

  it('is encrypted with customer-managed keys that rotate, one per region', () => {
    primary.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    Template.fromStack(built.key).hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const [, table] = resources(primary, 'AWS::DynamoDB::GlobalTable').find(([id]) => id === eventStoreId)!;
    const replicaKeys = Object.fromEntries(table.Properties.Replicas.map((r: Json) => [r.Region, JSON.stringify(r.SSESpecification.KMSMasterKeyId)]));
    expect(replicaKeys[built.settings.primaryRegion]).toContain(logicalId(built.primary, built.primary.eventStoreKey));
    expect(replicaKeys[built.settings.secondaryRegion]).toContain(`:kms:${built.settings.secondaryRegion}:`);
    expect(replicaKeys[built.settings.secondaryRegion]).toContain('alias/switchboard-events');
  });

  it('is eventually consistent without a witness when the context says so', () => {
    const eventual = Template.fromStack(build({ consistency: 'eventual' }).primary);
    eventual.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: TABLES.events.name,
      MultiRegionConsistency: 'EVENTUAL',
      GlobalTableWitnesses: Match.absent(),
    });
  });

  it('refuses a consistency mode it does not know, and regions that repeat', () => {
    expect(() => build({ consistency: 'sometimes' })).toThrow(/consistency/);
    expect(() => build({ witnessRegion: 'eu-west-1' })).toThrow(/regions must differ/);
  });
});

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

  it('has one function per route, cascade task, event function, and stream consumer (forwarder, projector): Node 24, arm64, X-Ray, Powertools, table names', () => {
    const functions = template().findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'switchboard' } } } });
    expect(STREAM_HANDLERS.map((h) => h.id)).toEqual([FORWARDER_ID, PROJECTOR_ID]);
    expect(Object.keys(functions)).toHaveLength(ROUTES.length + Object.keys(CASCADE_TASKS).length + EVENT_HANDLERS.length + STREAM_HANDLERS.length);
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
    expect(ROUTE_HANDLERS.map((h) => [routeKey(h.route), h.entry.split('functions/http/')[1], h.handler])).toEqual(ROUTES.map((r) => [routeKey(r), r.entry, r.handler]));
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
    const [[, sm]] = resources(template(), 'AWS::StepFunctions::StateMachine') as [[string, Json]];
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
    for (const task of TASK_HANDLERS) expect(byName[task.substitution]).toBe(`arn:${logicalId(stack(), stack().functions[task.id]!)}`);
    expect(JSON.stringify(applied)).not.toMatch(/\$\{/);
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
      expect(mappings.filter((m) => JSON.stringify(m.DestinationConfig).includes(`"${queue}"`))).toHaveLength(1);
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
          // Not deployed yet (no integrations to call): see the TODO in region-stack.ts.
          expect(deployed).toBeUndefined();
          break;
        default:
          throw new Error(`rule ${rule.name}: a target kind this test does not know`);
      }
    }
  });

  it('grants each function only what it uses', () => {
    const s = stack();
    const t = template();
    const table = (r: unknown) => r !== '*' && isEventStore(r, s === built.primary ? eventStoreId : undefined) && !/stream/i.test(JSON.stringify(r));
    const idempotencyId = logicalId(s, s.regionalTables.idempotency!);
    const idempotency = (r: unknown) => JSON.stringify(r).includes(idempotencyId);
    for (const h of ROUTE_HANDLERS) {
      const statements = functionPolicy(s, t, h.id);
      const expected =
        h.route.entry === 'health.ts' ? ['dynamodb:GetItem'] : h.route.entry === 'events/schemas.ts' ? [] : h.route.method === 'GET' ? ['dynamodb:Query'] : ['dynamodb:Query', 'dynamodb:PutItem'];
      expect(actionsOn(statements, table).sort(), routeKey(h.route)).toEqual(expected.sort());
      expect(actionsOn(statements, idempotency).length > 0, routeKey(h.route)).toBe(h.route.method === 'POST');
      expect(statements.flatMap((st) => list<string>(st.Action)).filter((a) => a.startsWith('states:') || a.startsWith('events:'))).toEqual([]);
    }
    for (const h of TASK_HANDLERS) expect(actionsOn(functionPolicy(s, t, h.id), table).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);

    const starter = functionPolicy(s, t, eventFunctionId('start-cascade-execution'));
    expect(actionsOn(starter, (r) => JSON.stringify(r).includes(logicalId(s, s.stateMachine)))).toEqual(['states:StartExecution']);
    expect(actionsOn(starter, table)).toEqual([]);

    const forwarder = functionPolicy(s, t, FORWARDER_ID);
    expect(actionsOn(forwarder, (r) => JSON.stringify(r).includes(logicalId(s, s.bus)))).toEqual(['events:PutEvents']);
    expect(actionsOn(forwarder, table)).toEqual([]);
    expect(actionsOn(forwarder, (r) => /StreamArn/.test(JSON.stringify(r))).sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    expect(forwarder.flatMap((st) => list<string>(st.Action))).not.toContain('dynamodb:PutItem');

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
    for (const h of ROUTE_HANDLERS) {
      const statements = functionPolicy(s, t, h.id);
      const key = routeKey(h.route);
      if (key === 'GET /v1/sims' || key === 'GET /v1/cascades') {
        expect(actionsOn(statements, readModelIndexes), key).toEqual(['dynamodb:Query']);
        expect(indexArns(statements).sort(), key).toEqual(TABLES.readModels.indexes.map((i) => i.name).sort());
        expect(actionsOn(statements, readModelTable), key).toEqual([]);
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
    const fn = app.primary.functions[TASK_HANDLERS[0]!.id]!;
    fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [app.primary.eventStore.tableArn] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:*'], resources: [`${app.primary.eventStore.tableArn}/index/*`] }));
    const other = app.secondary.functions[FORWARDER_ID]!;
    other.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:DeleteItem'], resources: [app.secondary.eventStore.tableArn] }));
    const primaryId = logicalId(app.primary, app.primary.eventStore);
    expect(eventStoreViolations(Template.fromStack(app.primary), primaryId).map((v) => v.statement.Action)).toEqual(['dynamodb:UpdateItem', 'dynamodb:*']);
    expect(eventStoreViolations(Template.fromStack(app.secondary), undefined).map((v) => v.statement.Action)).toEqual(['dynamodb:DeleteItem']);
  });
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in the AwsSolutions pack, in any stack', () => {
    for (const stack of [built.key, built.primary, built.secondary]) {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`), stack.stackName).toEqual([]);
    }
  });

  it('also passes with the development fallback (a Cognito user pool) instead of an external issuer', () => {
    const app = build();
    Template.fromStack(app.primary).hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON' });
    Template.fromStack(app.primary).hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: Match.anyValue(), Audience: [Match.anyValue()] },
    });
    for (const stack of [app.primary, app.secondary]) expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  it('acknowledges only named findings, each with a reason', () => {
    const acknowledged: { path: string; id: string; reason: unknown }[] = [];
    const walk = (c: IConstruct) => {
      for (const entry of c.node.metadata)
        if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) acknowledged.push({ path: c.node.path, id, reason });
      c.node.children.forEach(walk);
    };
    walk(built.app);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const a of acknowledged) {
      expect(a.id, a.path).toMatch(/^(annotation::)?AwsSolutions-[A-Za-z]+\d+(\[.+\])?$/i);
      const reason = typeof a.reason === 'string' ? a.reason : JSON.stringify(a.reason);
      expect(reason.length, `${a.path} ${a.id}`).toBeGreaterThan(40);
    }
  });
});
