import { ACTIVATION_CODES_CREATE, ACTIVATION_CODES_READ, MNO_CREDENTIALS_READ, MNO_RATE, READ_MODEL_LISTS, type Access } from './access.ts';
import type { EventPattern } from './event-pattern.ts';

/** The custom bus every Switchboard domain event is published to (by the stream forwarder). */
export const BUS_NAME = 'switchboard-events';

/** The `source` of every Switchboard event; `detail-type` is the domain event type. */
export const SOURCE = 'switchboard';

/**
 * EventBridge's InputTransformer, as the PutTargets API and CloudFormation take it: values picked
 * from the event by JSON path (dot notation), placed into a JSON template at `<name>`.
 */
export interface InputTransformer {
  readonly inputPathsMap: Readonly<Record<string, string>>;
  readonly inputTemplate: string;
}

/**
 * Where a rule's events go. Each kind names what the events are for, not a resource, so that the
 * CDK app and the local bus each bind it to their own thing:
 * - `state-machine`: starts an execution of one of the app's state machines, with the transformed
 *   input or else the whole event. CDK: `targets.SfnStateMachine`, `input` from the transformer.
 *   Local: the engine's state machine of that name.
 * - `function`: invokes one of the app's Lambda handlers with the whole event. CDK:
 *   `targets.LambdaFunction`. Local: the same handler, in process.
 * - `webhooks`: delivers the whole event to the integrations' webhooks. CDK: `targets.ApiDestination`.
 * - `archive`: keeps the event for replay. CDK: an `events.Archive` on the bus with the rule's
 *   pattern (an archive, not a rule target). Local: the bus's archive.
 * - `log-group`: writes the whole event, as JSON, as one log event of the named CloudWatch Logs
 *   group (EventBridge takes only groups named `/aws/events/...`), where operators read it with
 *   FilterLogEvents. CDK: a `logs.LogGroup` of that name and `targets.CloudWatchLogGroup`.
 *   Local: the local CloudWatch Logs store (infra/local/logs), served by its endpoint.
 */
export type RuleTarget =
  | { readonly kind: 'state-machine'; readonly stateMachine: 'cascade'; readonly inputTransformer?: InputTransformer }
  | { readonly kind: 'function'; readonly function: EventFunction }
  | { readonly kind: 'webhooks' }
  | { readonly kind: 'archive' }
  | { readonly kind: 'log-group'; readonly logGroup: `/aws/events/${string}` };

/** The CloudWatch Logs group of the `ops-feed` rule: every event on the bus, read by `npm run ops -- events`. */
export const OPS_FEED_LOG_GROUP = `/aws/events/${BUS_NAME}` as const;

/** The Lambda handlers rules invoke: module under functions/events, its export, and what it touches. */
export const EVENT_FUNCTIONS = {
  /** Only starts an execution. */
  'start-cascade-execution': { entry: 'start-cascade-execution.ts', handler: 'handler', access: { startsCascades: true } },
  /** Only starts a bulk operation's execution. */
  /** Only starts an execution (a late one of an operation resumed or ended does nothing: its tasks check the attempt). */
  'start-bulk-execution': { entry: 'start-bulk-execution.ts', handler: 'handler', access: { startsBulkOperations: true } },
  /** Orders a profile from an MNO's SM-DP+: its credentials (the ES2+ key) read, the activation code kept as a secret. */
  'order-profile': { entry: 'order-profile.ts', handler: 'handler', access: { eventStore: 'append', secrets: [MNO_CREDENTIALS_READ, ACTIVATION_CODES_CREATE, ACTIVATION_CODES_READ], tables: [MNO_RATE] } },
  /** Records a cascade (its stream and the tenant's index). */
  'plan-sim-cascade': { entry: 'plan-sim-cascade.ts', handler: 'handler', access: { eventStore: 'append', startsCascades: true } },
  /** Records (or redrives) catch-up cascades: which enterprises, policies and SIMs from the read models' lists, each checked against its stream. */
  'catch-up': { entry: 'catch-up.ts', handler: 'handler', access: { eventStore: 'append', tables: [READ_MODEL_LISTS] } },
  /** Starts the bulk operations that move SIMs off an MNO in outage (and back): which enterprises and their recent operations from the read models' lists. */
  fallback: { entry: 'fallback.ts', handler: 'handler', access: { eventStore: 'append', tables: [READ_MODEL_LISTS] } },
} as const satisfies Record<string, { entry: string; handler: string; access: Access }>;
export type EventFunction = keyof typeof EVENT_FUNCTIONS;

export interface EventRule {
  /** Unique on the bus; CDK uses it as the rule name (and the construct id). */
  readonly name: string;
  readonly description: string;
  readonly eventPattern: EventPattern;
  readonly target: RuleTarget;
}

/**
 * The rules on the Switchboard bus: one definition, deployed by CDK and routed by the local bus.
 * Patterns are checked when a bus registers them (infra/local/event-bus/pattern.ts).
 */
export const EVENT_RULES = [
  {
    name: 'start-cascade',
    description:
      'A recorded, redriven or resumed cascade starts its state machine execution, named after the cascade, round and attempt so a repeated start does nothing. ' +
      'A Lambda starts it because an EventBridge Step Functions target cannot name executions. Replays are left out: replaying history must not apply changes to MNOs again.',
    eventPattern: { source: [SOURCE], 'detail-type': ['CascadeStarted', 'CascadeRedriven', 'CascadeResumed'], 'replay-name': [{ exists: false }] },
    target: { kind: 'function', function: 'start-cascade-execution' },
  },
  {
    name: 'start-bulk',
    description: 'A started bulk operation starts its state machine execution, named after the operation and attempt, so a repeated start does nothing. Replays are left out.',
    eventPattern: { source: [SOURCE], 'detail-type': ['BulkOperationStarted'], 'replay-name': [{ exists: false }] },
    target: { kind: 'function', function: 'start-bulk-execution' },
  },
  {
    name: 'order-profile',
    description: 'A profile order requested on a SIM is placed with the MNO’s SM-DP+ (ES2+ DownloadOrder, ConfirmOrder with the EID, released); its activation code is kept as a secret. Replays are left out.',
    eventPattern: { source: [SOURCE], 'detail-type': ['ProfileOrderRequested'], 'replay-name': [{ exists: false }] },
    target: { kind: 'function', function: 'order-profile' },
  },
  {
    name: 'plan-sim-cascade',
    description: 'A SIM lifecycle change, or a profile switch its eUICC made, is carried to the MNO of its enabled profile (the only subscription in use), by a cascade recorded for it. Replays are left out.',
    eventPattern: { source: [SOURCE], 'detail-type': ['SimActivated', 'SimResumed', 'SimSuspended', 'SimTerminated', 'SimQuarantined', 'EimPackageExecuted'], 'replay-name': [{ exists: false }] },
    target: { kind: 'function', function: 'plan-sim-cascade' },
  },
  {
    name: 'catch-up',
    description:
      'An MNO that becomes available (verified again, outage cleared), an MNO an enterprise newly chooses, and an enterprise reinstated get the current policies and SIM states they were not given: ' +
      'a catch-up cascade per change, to that MNO alone, attributed to the platform. Replays are left out.',
    eventPattern: { source: [SOURCE], 'detail-type': ['MnoVerified', 'MnoOutageCleared', 'EnterpriseMnosChosen', 'EnterpriseReinstated'], 'replay-name': [{ exists: false }] },
    target: { kind: 'function', function: 'catch-up' },
  },
  {
    name: 'fallback',
    description:
      'An MNO declared in outage: for each enterprise that chose it, a bulk operation switches its active SIMs whose enabled profile is there to a profile on an MNO that can take work (its fallback first), by eIM packages with rollback, attributed to switchboard:fallback. ' +
      'An outage cleared: the SIMs go back after the hold-down, for the enterprises that chose automatic return. Replays are left out.',
    eventPattern: { source: [SOURCE], 'detail-type': ['MnoOutageDeclared', 'MnoOutageCleared'], 'replay-name': [{ exists: false }] },
    target: { kind: 'function', function: 'fallback' },
  },
  {
    name: 'deliver-webhooks',
    description: 'Every Switchboard event goes to the integrations subscribed to it (they de-duplicate by detail.eventId).',
    eventPattern: { source: [SOURCE] },
    target: { kind: 'webhooks' },
  },
  {
    name: 'archive-all',
    description: 'Every Switchboard event is archived, so that it can be replayed to the rules.',
    eventPattern: { source: [SOURCE] },
    target: { kind: 'archive' },
  },
  {
    name: 'ops-feed',
    description:
      'Every Switchboard event is written whole, as JSON, to a CloudWatch Logs group that operators follow (npm run ops -- events --follow, FilterLogEvents). ' +
      'Replays included: they are traffic on the bus too (each carries replay-name). A log event is stamped with the event time, so replayed events land at their original time ' +
      '(read them with --since over that range) and CloudWatch Logs refuses events older than 14 days or than the group retention.',
    eventPattern: { source: [SOURCE] },
    target: { kind: 'log-group', logGroup: OPS_FEED_LOG_GROUP },
  },
] as const satisfies readonly EventRule[];
