import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { acknowledge, XRAY_REASON } from './acknowledge.ts';
import { HANDLER_BUNDLING } from './bundling.ts';
import { regionStackOf } from './handler-stacks.ts';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../adapters/observability/metrics.ts';
import type { EventStore } from './event-store.ts';
import { LEASE_PK } from '../../adapters/lease/dynamodb-lease.ts';
import { TIME_INDEX } from '../../adapters/event-store/time-index.ts';
import { EVENT_STORE_ACTIONS, IDEMPOTENCY_ACTIONS, ROOT, type HandlerSpec } from './handlers.ts';
import { grantSecrets } from './secrets.ts';

export { METRICS_NAMESPACE, SERVICE_NAME };

/** What a handler's role may be granted access to. */
export interface HandlerResources extends Pick<EventStore, 'eventStore' | 'eventStoreKey'> {
  regionalTables: Record<string, ITableV2>;
}

const logGroups = new WeakMap<Stack, Map<string, LogGroup>>();

/**
 * The log group the handlers of one kind (http, task, event, stream, queue, schedule) share
 * (Lambda's advanced logging controls): one group per kind, not per function, saves a resource a
 * function; each line names its function (Powertools' `function_name`), and each function writes to
 * its kind's group only. The groups are the regional stack's, so that a kind keeps its one group
 * whichever nested stacks its functions are in (the routes are in two, handler-stacks.ts).
 */
const logGroupOf = (stack: Stack, kind: string) => {
  const groups = logGroups.get(stack) ?? new Map<string, LogGroup>();
  logGroups.set(stack, groups);
  let group = groups.get(kind);
  if (!group) {
    group = new LogGroup(stack, `Logs-${kind}-handlers`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    groups.set(kind, group);
  }
  return group;
};

/**
 * One handler, in `stack` (its nested stack): its own role, its kind's log group, a bundled ESM
 * Node 24 arm64 function with X-Ray and Powertools settings, and exactly the event store,
 * idempotency and table access its spec names.
 */
export const handlerFunction = (stack: Stack, spec: HandlerSpec, tableNames: Record<string, string>, resources: HandlerResources) => {
  const role = new Role(stack, `${spec.id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Switchboard ${spec.kind} handler ${spec.id}`,
  });
  const logGroup = logGroupOf(regionStackOf(stack), spec.kind);
  // Its kind's log group only (no AWSLambdaBasicExecutionRole, which writes to any).
  role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
  const fn = new NodejsFunction(stack, spec.id, {
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
      ...spec.variables,
      LOG_LEVEL: 'INFO',
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
    },
    bundling: HANDLER_BUNDLING,
  });
  acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', XRAY_REASON);

  const { access } = spec;
  if (access.eventStore) {
    role.addToPolicy(new PolicyStatement({ actions: [...EVENT_STORE_ACTIONS[access.eventStore]], resources: [resources.eventStore.tableArn] }));
    const kmsActions = access.eventStore === 'append' ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'];
    role.addToPolicy(new PolicyStatement({ actions: kmsActions, resources: [resources.eventStoreKey.keyArn] }));
  }
  if (access.publishingLease) grantLease(role, resources, access.publishingLease);
  if (access.idempotency) {
    const table = resources.regionalTables.idempotency!;
    role.addToPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: [...IDEMPOTENCY_ACTIONS], resources: [table.tableArn] }));
  }
  for (const tableAccess of access.tables ?? []) {
    const table = resources.regionalTables[tableAccess.table]!;
    // Named indexes, not `/index/*`: no wildcard resource to acknowledge.
    const resourceArns = tableAccess.indexes ? tableAccess.indexes.map((index) => `${table.tableArn}/index/${index}`) : [table.tableArn];
    role.addToPolicy(new PolicyStatement({ actions: tableAccess.operations.map((o) => `dynamodb:${o}`), resources: resourceArns }));
  }
  grantSecrets(fn, role, access.secrets ?? []);
  return fn;
};

/** The publishing lease's item alone (dynamodb:LeadingKeys), and for its holders the time index a takeover reads and the commits it lists there (the index holds keys only). */
const grantLease = (role: Role, resources: HandlerResources, access: 'follow' | 'hold') => {
  const onLeaseItem = { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [LEASE_PK] } };
  const actions = access === 'hold' ? ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] : ['dynamodb:GetItem'];
  role.addToPolicy(new PolicyStatement({ actions, resources: [resources.eventStore.tableArn], conditions: onLeaseItem }));
  if (access === 'hold') {
    role.addToPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${resources.eventStore.tableArn}/index/${TIME_INDEX}`] }));
    role.addToPolicy(new PolicyStatement({ actions: ['dynamodb:BatchGetItem'], resources: [resources.eventStore.tableArn] }));
  }
  const kmsActions = access === 'hold' ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'];
  role.addToPolicy(new PolicyStatement({ actions: kmsActions, resources: [resources.eventStoreKey.keyArn] }));
};
