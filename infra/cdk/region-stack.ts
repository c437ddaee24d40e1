import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, LogGroupLogDestination, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { FeaturePlan, Mfa, StandardThreatProtectionMode, UserPool } from 'aws-cdk-lib/aws-cognito';
import {
  AttributeType,
  Billing,
  MultiRegionConsistency,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
  type Attribute,
  type ITableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Archive, EventBus, Rule, type EventPattern } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, EventSourceMapping, Runtime, StartingPosition, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { BUS_NAME, EVENT_RULES, type EventRule } from '../../functions/events/rules.ts';
import { TABLES, type TableDefinition } from '../../functions/tables.ts';
import { CASCADE_DEFINITION } from '../../functions/workflow/cascade-workflow.ts';
import { EVENT_STORE_KEY_ALIAS } from './event-store-key-stack.ts';
import {
  ALL_HANDLERS,
  EVENT_HANDLERS,
  EVENT_STORE_ACTIONS,
  FORWARDER_ID,
  IDEMPOTENCY_ACTIONS,
  PROJECTOR_ID,
  ROOT,
  ROUTE_HANDLERS,
  TASK_HANDLERS,
  type HandlerSpec,
} from './handlers.ts';
import type { DeploymentSettings } from './settings.ts';

export const SERVICE_NAME = 'switchboard';
export const METRICS_NAMESPACE = 'Switchboard';
export const CASCADE_STATE_MACHINE_NAME = 'switchboard-cascade';

export interface RegionStackProps extends StackProps {
  settings: DeploymentSettings;
  /** `primary` owns the global table; `secondary` uses its replica. */
  role: 'primary' | 'secondary';
  /** Secondary only: the replica's key (EventStoreKeyStack in the same region). */
  replicaKey?: IKey;
}

const attribute = (a: { name: string; type: 'S' | 'N' }): Attribute => ({ name: a.name, type: a.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER });

/** A reason an acknowledgement gives for a cdk-nag finding. Kept beside the resource it is about. */
const acknowledge = (scope: Construct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });

const XRAY_REASON =
  'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions: active tracing needs Resource "*" (granted by CDK for Tracing.ACTIVE).';

/**
 * One region of Switchboard: the same class for the primary and the secondary region. The
 * primary stack owns the event store (a global table with the replica in the secondary region);
 * everything else (read models, idempotency records, handlers, API, state machine, bus) is
 * regional and identical in both.
 */
export class SwitchboardRegionStack extends Stack {
  readonly eventStore: ITableV2;
  readonly eventStoreKey: IKey;
  readonly eventStoreStreamArn: string;
  readonly regionalTables: Record<string, TableV2> = {};
  readonly functions: Record<string, NodejsFunction> = {};
  readonly api: HttpApi;
  readonly stateMachine: StateMachine;
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: RegionStackProps) {
    super(scope, id, props);
    const { settings } = props;

    // ---- Event store: one global table, created by the primary stack ----
    if (props.role === 'primary') {
      const key = new Key(this, 'EventStoreKey', {
        alias: EVENT_STORE_KEY_ALIAS,
        description: 'Switchboard event store (global table): encryption at rest',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const strong = settings.consistency === 'strong';
      const table = new TableV2(this, 'EventStore', {
        tableName: TABLES.events.name,
        partitionKey: attribute(TABLES.events.partitionKey),
        sortKey: attribute(TABLES.events.sortKey),
        billing: Billing.onDemand(),
        dynamoStream: StreamViewType.NEW_IMAGE,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
        encryption: TableEncryptionV2.customerManagedKey(key, {
          // The replica's key, by alias: EventStoreKeyStack creates it in that region first.
          [settings.secondaryRegion]: this.formatArn({ service: 'kms', region: settings.secondaryRegion, resource: EVENT_STORE_KEY_ALIAS }),
        }),
        replicas: [{ region: settings.secondaryRegion, deletionProtection: true, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } }],
        multiRegionConsistency: strong ? MultiRegionConsistency.STRONG : MultiRegionConsistency.EVENTUAL,
        ...(strong ? { witnessRegion: settings.witnessRegion } : {}),
      });
      this.eventStore = table;
      this.eventStoreKey = key;
      this.eventStoreStreamArn = table.tableStreamArn!;
    } else {
      if (!props.replicaKey) throw new Error('the secondary stack needs the replica key');
      this.eventStoreKey = props.replicaKey;
      const tableArn = this.formatArn({ service: 'dynamodb', resource: 'table', resourceName: TABLES.events.name });
      // The replica's stream ARN carries a creation timestamp that only DynamoDB knows: read it
      // once the replica exists (this stack deploys after the primary one).
      const stream = new AwsCustomResource(this, 'EventStoreReplicaStream', {
        onUpdate: {
          service: 'DynamoDB',
          action: 'describeTable',
          parameters: { TableName: TABLES.events.name },
          physicalResourceId: PhysicalResourceId.of(`${TABLES.events.name}-stream`),
          outputPaths: ['Table.LatestStreamArn'],
        },
        policy: AwsCustomResourcePolicy.fromStatements([new PolicyStatement({ actions: ['dynamodb:DescribeTable'], resources: [tableArn] })]),
        installLatestAwsSdk: false,
      });
      this.eventStoreStreamArn = stream.getResponseField('Table.LatestStreamArn');
      this.eventStore = TableV2.fromTableAttributes(this, 'EventStore', {
        tableArn,
        tableStreamArn: this.eventStoreStreamArn,
        encryptionKey: props.replicaKey,
      });
      // The provider is a singleton at the stack's root, not under `stream`.
      const provider = this.node.children.find((c) => c.node.id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'))!;
      acknowledge(
        provider,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'CDK\'s AwsCustomResource provider (a one-shot DescribeTable at deploy time) runs with the basic execution role; it writes only its own logs.',
      );
    }

    // ---- Read models and idempotency records: regional, rebuildable ----
    for (const [name, def] of Object.entries(TABLES) as [string, TableDefinition][]) {
      if (def.scope !== 'regional') continue;
      this.regionalTables[name] = new TableV2(this, `${name[0]!.toUpperCase()}${name.slice(1)}Table`, {
        tableName: def.name,
        partitionKey: attribute(def.partitionKey),
        ...(def.sortKey ? { sortKey: attribute(def.sortKey) } : {}),
        ...(def.timeToLiveAttribute ? { timeToLiveAttribute: def.timeToLiveAttribute } : {}),
        ...(def.stream ? { dynamoStream: StreamViewType.NEW_IMAGE } : {}),
        ...(def.indexes && {
          globalSecondaryIndexes: def.indexes.map((index) => ({
            indexName: index.name,
            partitionKey: attribute(index.partitionKey),
            ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
          })),
        }),
        billing: Billing.onDemand(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryptionV2.awsManagedKey(),
        // Rebuildable from the event store (read models) or short-lived (idempotency records).
        removalPolicy: RemovalPolicy.DESTROY,
      });
    }

    // ---- Handlers: one function per route, cascade task, event function, and the forwarder ----
    const tableNames = Object.fromEntries(Object.values(TABLES).map((t: TableDefinition) => [t.envVar, t.name]));
    for (const spec of ALL_HANDLERS) this.functions[spec.id] = this.handlerFunction(spec, tableNames);

    // ---- Cascade state machine: the shared ASL, task resources substituted by function ARN ----
    const taskFunctions = TASK_HANDLERS.map((t) => this.functions[t.id]!);
    const stateMachineLogs = new LogGroup(this, 'CascadeLogs', {
      logGroupName: `/aws/vendedlogs/states/${CASCADE_STATE_MACHINE_NAME}-${this.region}`,
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'Cascade', {
      stateMachineName: CASCADE_STATE_MACHINE_NAME,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(JSON.stringify(CASCADE_DEFINITION)),
      definitionSubstitutions: Object.fromEntries(TASK_HANDLERS.map((t) => [t.substitution, this.functions[t.id]!.functionArn])),
      logs: { destination: stateMachineLogs, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    // Exactly the task functions, by ARN (no `:*` qualifier wildcard: tasks invoke $LATEST).
    this.stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: taskFunctions.map((f) => f.functionArn) }));
    acknowledge(
      this.stateMachine.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Step Functions log delivery (logs:CreateLogDelivery, GetLogDelivery, ListLogDeliveries, ...) and X-Ray tracing do not support resource-level permissions; CDK grants exactly those actions on "*".',
    );

    // ---- Event bus, the shared rules, the archive ----
    this.bus = new EventBus(this, 'Bus', { eventBusName: BUS_NAME });
    const ruleDlq = this.deadLetterQueue('RuleTargetsDlq', 'Events a rule could not deliver to its target after retries.');
    for (const rule of EVENT_RULES as readonly EventRule[]) {
      // The shared pattern as it is ('detail-type', 'replay-name' and all): CDK passes keys through.
      const eventPattern = rule.eventPattern as unknown as EventPattern;
      switch (rule.target.kind) {
        case 'function': {
          const target = rule.target;
          const fn = this.functions[EVENT_HANDLERS.find((h) => h.name === target.function)!.id]!;
          new Rule(this, `Rule-${rule.name}`, {
            eventBus: this.bus,
            ruleName: rule.name,
            description: rule.description.slice(0, 512),
            eventPattern,
            targets: [new LambdaFunction(fn, { deadLetterQueue: ruleDlq, retryAttempts: 8, maxEventAge: Duration.hours(24) })],
          });
          break;
        }
        case 'archive':
          new Archive(this, `Archive-${rule.name}`, {
            sourceEventBus: this.bus,
            archiveName: `${BUS_NAME}-${rule.name}`,
            description: rule.description,
            eventPattern,
            retention: Duration.days(365),
          });
          break;
        case 'webhooks':
          // TODO(webhooks): integrations and their subscriptions do not exist yet. When they do,
          // this rule targets an events.ApiDestination per subscription (events.Connection with
          // the integration's credentials in Secrets Manager), with ruleDlq. Until then the rule
          // is not deployed: a rule without a target would only cost matches.
          break;
        case 'state-machine':
          // No shared rule targets the state machine directly (an EventBridge Step Functions
          // target cannot name executions); bind one here with targets.SfnStateMachine when one does.
          throw new Error(`rule ${rule.name}: state-machine targets are not wired in CDK yet`);
      }
    }

    // ---- DynamoDB stream → forwarder → bus; → projector → read models ----
    const forwarder = this.functions[FORWARDER_ID]!;
    this.streamConsumer(forwarder, 'ForwarderStream', 'ForwarderDlq', 'Stream batches the forwarder could not publish (their shard and sequence numbers).');
    this.bus.grantPutEventsTo(forwarder);
    this.streamConsumer(
      this.functions[PROJECTOR_ID]!,
      'ProjectorStream',
      'ProjectorDlq',
      'Stream batches the projector could not apply to the read models (their shard and sequence numbers; rebuild-projections repairs).',
    );

    // ---- Starting cascades ----
    for (const h of ALL_HANDLERS.filter((s) => s.startsCascades)) {
      const fn = this.functions[h.id]!;
      fn.addEnvironment('CASCADE_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
      fn.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] }));
    }

    // ---- HTTP API ----
    this.api = this.httpApi(settings);

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'CascadeStateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
  }

  private handlerFunction(spec: HandlerSpec, tableNames: Record<string, string>) {
    const role = new Role(this, `${spec.id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Switchboard ${spec.kind} handler ${spec.id}`,
    });
    const logGroup = new LogGroup(this, `${spec.id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    // Its own log group only (no AWSLambdaBasicExecutionRole, which writes to any).
    role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    const fn = new NodejsFunction(this, spec.id, {
      entry: spec.entry,
      handler: spec.handler,
      role,
      logGroup,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.seconds(spec.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      projectRoot: ROOT,
      depsLockFilePath: `${ROOT}package-lock.json`,
      environment: {
        ...tableNames,
        LOG_LEVEL: 'INFO',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        platform: 'node',
        target: 'node24',
        minify: true,
        mainFields: ['module', 'main'],
        // Bundle the AWS SDK too (the runtime's copy is not the version we test with).
        externalModules: [],
        // CommonJS dependencies inside an ESM bundle still call require().
        banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
      },
    });
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', XRAY_REASON);

    if (spec.eventStore) {
      role.addToPolicy(new PolicyStatement({ actions: [...EVENT_STORE_ACTIONS[spec.eventStore]], resources: [this.eventStore.tableArn] }));
      const kmsActions = spec.eventStore === 'append' ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'];
      role.addToPolicy(new PolicyStatement({ actions: kmsActions, resources: [this.eventStoreKey.keyArn] }));
    }
    if (spec.idempotency) {
      const table = this.regionalTables.idempotency!;
      role.addToPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: [...IDEMPOTENCY_ACTIONS], resources: [table.tableArn] }));
    }
    for (const access of spec.tables ?? []) {
      const table = this.regionalTables[access.table]!;
      // Named indexes, not `/index/*`: no wildcard resource to acknowledge.
      const resources = access.indexes ? access.indexes.map((index) => `${table.tableArn}/index/${index}`) : [table.tableArn];
      role.addToPolicy(new PolicyStatement({ actions: [...access.actions], resources }));
    }
    return fn;
  }

  /**
   * An event source mapping from the event store's stream to `fn`: oldest first, bisection on
   * error, partial batch responses, 10 retries within 24 h, then the batch's position to an SQS
   * queue of its own; and the stream read and replica-key decrypt it needs.
   */
  private streamConsumer(fn: NodejsFunction, id: string, dlqId: string, what: string) {
    new EventSourceMapping(this, id, {
      target: fn,
      eventSourceArn: this.eventStoreStreamArn,
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: 10,
      maxRecordAge: Duration.hours(24),
      onFailure: new SqsDlq(this.deadLetterQueue(dlqId, what)),
    });
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
        resources: [this.eventStoreStreamArn],
      }),
    );
    fn.addToRolePolicy(new PolicyStatement({ actions: ['kms:Decrypt'], resources: [this.eventStoreKey.keyArn] }));
  }

  private deadLetterQueue(id: string, what: string) {
    const queue = new Queue(this, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(queue, 'AwsSolutions-SQS3', `This queue is itself a dead-letter queue (${what}); it has no further one.`);
    return queue;
  }

  private httpApi(settings: DeploymentSettings) {
    let authorizer: IHttpRouteAuthorizer;
    if (settings.jwtIssuer) {
      authorizer = new HttpJwtAuthorizer('Jwt', settings.jwtIssuer, { jwtAudience: settings.jwtAudience! });
    } else {
      // Development fallback: a user pool per region (tokens of one region's pool are not valid
      // in the other: set jwtIssuer for failover). Scopes like `sims:write` and the `tenant` claim
      // need a pre-token-generation trigger, not built here.
      const pool = new UserPool(this, 'Users', {
        selfSignUpEnabled: false,
        mfa: Mfa.REQUIRED,
        mfaSecondFactor: { otp: true, sms: false },
        passwordPolicy: { minLength: 14, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
        featurePlan: FeaturePlan.PLUS,
        standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const client = pool.addClient('Api', { generateSecret: false, authFlows: { userSrp: true } });
      authorizer = new HttpJwtAuthorizer('Jwt', `https://cognito-idp.${this.region}.amazonaws.com/${pool.userPoolId}`, {
        jwtAudience: [client.userPoolClientId],
      });
    }

    const api = new HttpApi(this, 'Api', { apiName: SERVICE_NAME, createDefaultStage: false, description: 'Switchboard HTTP API' });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    for (const h of ROUTE_HANDLERS) {
      const { route } = h;
      const routes = api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${h.id}Integration`, this.functions[h.id]!),
        ...(route.public ? { authorizer: new HttpNoneAuthorizer() } : { authorizer, authorizationScopes: [...route.scopes] }),
      });
      if (route.public)
        for (const r of routes)
          acknowledge(r, 'AwsSolutions-APIG4', `${route.method} ${route.path} is public by the route table: load balancers and Route 53 health checks call it without a token; it returns only ok/unavailable.`);
    }
    return api;
  }
}

