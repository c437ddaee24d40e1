import type { EventPattern } from './pattern.ts';

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
 * - `webhooks`: delivers the whole event to the integrations' webhooks. CDK: `targets.ApiDestination`.
 * - `archive`: keeps the event for replay. CDK: an `events.Archive` on the bus with the rule's
 *   pattern (an archive, not a rule target). Local: the bus's archive.
 */
export type RuleTarget =
  | { readonly kind: 'state-machine'; readonly stateMachine: 'cascade'; readonly inputTransformer?: InputTransformer }
  | { readonly kind: 'webhooks' }
  | { readonly kind: 'archive' };

export interface EventRule {
  /** Unique on the bus; CDK uses it as the rule name (and the construct id). */
  readonly name: string;
  readonly description: string;
  readonly eventPattern: EventPattern;
  readonly target: RuleTarget;
}

/**
 * The rules on the Switchboard bus: one definition, deployed by CDK and routed by the local bus.
 * Patterns are checked when a bus registers them (functions/events/pattern.ts).
 */
export const EVENT_RULES = [
  {
    name: 'start-policy-cascade',
    description:
      'A recorded cascade starts its state machine execution. Replays are left out: replaying history must not apply policies to MNOs again.',
    eventPattern: { source: [SOURCE], 'detail-type': ['CascadeStarted'], 'replay-name': [{ exists: false }] },
    target: {
      kind: 'state-machine',
      stateMachine: 'cascade',
      inputTransformer: {
        inputPathsMap: { tenant: '$.detail.tenant', cascadeId: '$.detail.data.cascadeId' },
        inputTemplate: '{"tenant": <tenant>, "cascadeId": <cascadeId>}',
      },
    },
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
] as const satisfies readonly EventRule[];
