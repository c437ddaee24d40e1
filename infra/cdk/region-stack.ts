import { CfnOutput, Stack, type NestedStack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { variable } from '../../manifest/environment.ts';
import { TABLES, type TableDefinition } from '../../manifest/tables.ts';
import { opsAlarms, type OpsAlarms } from './alarms.ts';
import { eventBus } from './bus.ts';
import { bulkStateMachine, cascadeStateMachine, stateMachineArnByName } from './cascade-state-machine.ts';
import { opsDashboard } from './dashboard.ts';
import { deadLetterQueuesIn } from './dead-letter-queue.ts';
import { globalEventStore, replicaEventStore } from './event-store.ts';
import { apiFailover, type ApiFailover } from './failover.ts';
import { handlerFunction } from './handler-function.ts';
import { handlerStacks } from './handler-stacks.ts';
import { ALL_HANDLERS, handlersTriggeredBy, type HandlerStackName } from './handlers.ts';
import { httpApi } from './http-api.ts';
import type { Observed } from './ops-metrics.ts';
import type { DeploymentSettings } from './settings.ts';
import { schedules } from './schedules.ts';
import { signalIngestion } from './signals.ts';
import { eimKey } from './eim-key.ts';
import { streamConsumer } from './stream-consumers.ts';
import { regionalTables, replicatedTables } from './tables.ts';

export { CASCADE_STATE_MACHINE_NAME } from './cascade-state-machine.ts';
export { METRICS_NAMESPACE, SERVICE_NAME } from './handler-function.ts';

export interface RegionStackProps extends StackProps {
  settings: DeploymentSettings;
  /** `primary` owns the global table; `secondary` uses its replica. */
  role: 'primary' | 'secondary';
  /** Secondary only: the replica's key (EventStoreKeyStack in the same region). */
  replicaKey?: IKey;
}

/**
 * One region of Switchboard: the same class for the primary and the secondary region. The
 * primary stack owns the event store (a global table with the replica in the secondary region);
 * everything else (read models, idempotency records, handlers, API, state machine, bus) is
 * regional and identical in both. Each part is built by its own module, in this order (which is
 * the order of the synthesized template); every construct is a direct child of the stack or of one
 * of its nested stacks, so construct paths and logical ids do not depend on the modules.
 *
 * The functions, with their roles and per-function wiring (routes, integrations, invoke
 * permissions, event source mappings), are in nested stacks (`handlerStacks`, handler-stacks.ts:
 * `HttpReads`, `HttpCommands`, `Workers`), which keeps every stack well under CloudFormation's 500
 * resources; everything else (and the handlers' log groups) is here.
 */
export class SwitchboardRegionStack extends Stack {
  readonly eventStore: ITableV2;
  readonly eventStoreKey: IKey;
  readonly eventStoreStreamArn: string;
  readonly regionalTables: Record<string, ITableV2>;
  /** Every function of the manifest, by entry point id, wherever it is (`Stack.of(fn)` is its nested stack). */
  readonly functions: Record<string, NodejsFunction> = {};
  /** The nested stacks that hold the functions, by name (handlers.ts `stackOf`, handler-stacks.ts). */
  readonly handlerStacks: Partial<Record<HandlerStackName, NestedStack>>;
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  readonly stateMachine: StateMachine;
  readonly bulkStateMachine: StateMachine;
  readonly bus: EventBus;
  /** With `domainName` and `hostedZoneId` only: the API's custom domain, health check and failover record. */
  readonly failover?: ApiFailover;
  readonly alarms: OpsAlarms;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: RegionStackProps) {
    super(scope, id, props);
    const { settings } = props;

    // ---- Event store: one global table, created by the primary stack ----
    const store = props.role === 'primary' ? globalEventStore(this, settings) : replicaEventStore(this, props.replicaKey);
    this.eventStore = store.eventStore;
    this.eventStoreKey = store.eventStoreKey;
    this.eventStoreStreamArn = store.eventStoreStreamArn;

    // ---- Read models and idempotency records: regional, rebuildable ----
    // …and the webhook deliveries made, replicated (made by the primary), granted by name like them.
    this.regionalTables = { ...regionalTables(this), ...replicatedTables(this, props.role, settings.secondaryRegion) };

    // ---- Handlers: one function per entry point of the manifest, each in its nested stack ----
    this.handlerStacks = handlerStacks(this);
    const tableNames = Object.fromEntries(Object.values(TABLES).map((t: TableDefinition) => [t.envVar, t.name]));
    for (const spec of ALL_HANDLERS) this.functions[spec.id] = handlerFunction(this.handlerStacks[spec.stack]!, spec, tableNames, this);

    // ---- Cascade state machine: the shared ASL, task resources substituted by function ARN ----
    this.stateMachine = cascadeStateMachine(this, this.functions);
    // ---- Bulk operations' state machine: a Distributed Map over each operation's manifest ----
    this.bulkStateMachine = bulkStateMachine(this, this.functions);

    // ---- Event bus, the shared rules, the archive ----
    this.bus = eventBus(this, this.functions);

    // ---- DynamoDB stream → its consumers (forwarder → bus; projector → read models) ----
    const consumers = handlersTriggeredBy('stream');
    for (const h of consumers) {
      const { name, deadLetters } = h.trigger.consumer;
      streamConsumer(this, this, this.functions[h.id]!, `${name}Stream`, `${name}Dlq`, deadLetters);
    }
    for (const h of ALL_HANDLERS.filter((s) => s.access.publishes)) this.bus.grantPutEventsTo(this.functions[h.id]!);
    // The deep /health: the cascade state machine and the bus asked whether they answer.
    for (const h of ALL_HANDLERS.filter((s) => s.access.checksHealth)) {
      const fn = this.functions[h.id]!;
      const arn = stateMachineArnByName(Stack.of(fn), 'cascade');
      fn.addEnvironment(variable('CASCADE_STATE_MACHINE_ARN'), arn);
      fn.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeStateMachine'], resources: [arn] }));
      fn.addToRolePolicy(new PolicyStatement({ actions: ['events:DescribeEventBus'], resources: [this.bus.eventBusArn] }));
    }

    // ---- Starting cascades and bulk operations: the state machine by its name-made ARN, not by
    // reference (the state machine refers to its tasks in a nested stack; a starter's reference back
    // to it would make the two stacks wait for each other) ----
    for (const h of ALL_HANDLERS.filter((s) => s.access.startsCascades)) {
      const fn = this.functions[h.id]!;
      const arn = stateMachineArnByName(Stack.of(fn), 'cascade');
      fn.addEnvironment(variable('CASCADE_STATE_MACHINE_ARN'), arn);
      fn.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [arn] }));
    }

    for (const h of ALL_HANDLERS.filter((s) => s.access.startsBulkOperations)) {
      const fn = this.functions[h.id]!;
      const arn = stateMachineArnByName(Stack.of(fn), 'bulk');
      fn.addEnvironment(variable('BULK_STATE_MACHINE_ARN'), arn);
      fn.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [arn] }));
    }

    // ---- Network signals: the queue batches wait in, the bucket CDR files are dropped in ----
    signalIngestion(this, this.functions);

    // ---- Schedules: the cascade reconciler every minute ----
    schedules(this, this.functions);

    // ---- The eIM's signing key (multi-region KMS), for the devices' routes ----
    eimKey(this, settings, props.role, this.functions);

    // ---- HTTP API ----
    ({ api: this.api, stage: this.apiStage } = httpApi(this, settings, this.functions));

    // ---- Failover (with a domain): certificate, custom domain, health check on /health, failover record ----
    if (settings.domainName) this.failover = apiFailover(this, settings, props.role, this.api, this.apiStage);

    // ---- Ops: alarms (to the region's topic) and the dashboard. Last, so that they see every
    // dead-letter queue of the stack; one made after them fails synthesis (below). ----
    const observed: Observed = {
      api: this.api,
      stateMachine: this.stateMachine,
      streamConsumers: consumers.map((h) => ({
        name: h.trigger.consumer.name,
        fn: this.functions[h.id]!,
        whenBehind: h.trigger.consumer.whenBehind.replace('<region>', this.region),
      })),
      deadLetterQueues: deadLetterQueuesIn(this),
    };
    this.alarms = opsAlarms(this, settings, observed);
    this.dashboard = opsDashboard(this, observed, this.alarms, this.failover?.healthCheck.healthCheckId);
    const watched = new Set(observed.deadLetterQueues.map((d) => d.queue));
    this.node.addValidation({
      validate: () =>
        deadLetterQueuesIn(this)
          .filter((d) => !watched.has(d.queue))
          .map((d) => `dead-letter queue ${d.queue.node.path} was made after the ops alarms and dashboard: make it before them (region-stack.ts), so that it gets its alarm`),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'CascadeStateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'BulkStateMachineArn', { value: this.bulkStateMachine.stateMachineArn });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboardName });
    if (this.failover) new CfnOutput(this, 'ApiDomainUrl', { value: `https://${settings.domainName}` });
  }
}
