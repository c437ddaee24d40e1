import { Duration, type Stack } from 'aws-cdk-lib';
import { Archive, EventBus, Rule, type EventPattern } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BUS_NAME, EVENT_RULES, type EventRule } from '../../functions/events/rules.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { EVENT_HANDLERS } from './handlers.ts';

/** The custom event bus, the shared rules (their targets' dead-letter queue), and the archive. */
export const eventBus = (stack: Stack, functions: Record<string, NodejsFunction>) => {
  const bus = new EventBus(stack, 'Bus', { eventBusName: BUS_NAME });
  const ruleDlq = deadLetterQueue(stack, 'RuleTargetsDlq', 'Events a rule could not deliver to its target after retries.');
  for (const rule of EVENT_RULES as readonly EventRule[]) {
    // The shared pattern as it is ('detail-type', 'replay-name' and all): CDK passes keys through.
    const eventPattern = rule.eventPattern as unknown as EventPattern;
    switch (rule.target.kind) {
      case 'function': {
        const target = rule.target;
        const fn = functions[EVENT_HANDLERS.find((h) => h.name === target.function)!.id]!;
        new Rule(stack, `Rule-${rule.name}`, {
          eventBus: bus,
          ruleName: rule.name,
          description: rule.description.slice(0, 512),
          eventPattern,
          targets: [new LambdaFunction(fn, { deadLetterQueue: ruleDlq, retryAttempts: 8, maxEventAge: Duration.hours(24) })],
        });
        break;
      }
      case 'archive':
        new Archive(stack, `Archive-${rule.name}`, {
          sourceEventBus: bus,
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
  return bus;
};
