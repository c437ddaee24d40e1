import { Duration, Names, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Archive, EventBus, Rule, type EventPattern } from 'aws-cdk-lib/aws-events';
import { addToDeadLetterQueueResourcePolicy, CloudWatchLogGroup, LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource } from 'aws-cdk-lib/custom-resources';
import { acknowledge } from './acknowledge.ts';
import { BUS_NAME, EVENT_RULES, type EventRule } from '../../functions/events/rules.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { eventFunctionFailures } from './event-function-failures.ts';
import { EVENT_HANDLERS } from './handlers.ts';
import { webhookDelivery } from './webhooks.ts';

/** The custom event bus, the shared rules (their targets' dead-letter queue), and the archive. */
export const eventBus = (stack: Stack, functions: Record<string, NodejsFunction>) => {
  const bus = new EventBus(stack, 'Bus', { eventBusName: BUS_NAME });
  const ruleDlq = deadLetterQueue(stack, 'RuleTargetsDlq', 'Events a rule could not deliver to its target after retries.');
  eventFunctionFailures(stack, functions);
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
        // Signed per subscription (Standard Webhooks HMAC): an API destination cannot sign, so a
        // function delivers, with its retries on SQS (infra/cdk/webhooks.ts).
        new Rule(stack, `Rule-${rule.name}`, {
          eventBus: bus,
          ruleName: rule.name,
          description: rule.description.slice(0, 512),
          eventPattern,
          targets: [webhookDelivery(stack, functions, ruleDlq)],
        });
        break;
      case 'log-group': {
        // The whole event as the log message (the target's default input), as operators read it
        // with FilterLogEvents (npm run ops -- events). Kept a month, like the handlers' logs.
        const logGroup = new LogGroup(stack, `Logs-${rule.name}`, {
          logGroupName: rule.target.logGroup,
          retention: RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        });
        const logRule = new Rule(stack, `Rule-${rule.name}`, {
          eventBus: bus,
          ruleName: rule.name,
          description: rule.description.slice(0, 512),
          eventPattern,
          targets: [
            new CloudWatchLogGroup(logGroup, { deadLetterQueue: ruleDlq, retryAttempts: 8, maxEventAge: Duration.hours(24), installLatestAwsSdk: false }),
          ],
        });
        // Unlike the other targets, CloudWatchLogGroup does not let the rule send to its dead-letter queue.
        addToDeadLetterQueueResourcePolicy(logRule, ruleDlq);
        // The target lets EventBridge write to the group through the group's resource policy, which
        // CDK puts with a custom resource (AwsCustomResource, run at deploy time only).
        const resourcePolicy = stack.node.findChild(`EventsLogGroupPolicy${Names.nodeUniqueId(logRule.node)}`);
        acknowledge(
          resourcePolicy,
          'AwsSolutions-IAM5[Resource::*]',
          `logs:PutResourcePolicy and logs:DeleteResourcePolicy (the ${rule.target.logGroup} resource policy letting events.amazonaws.com write to it) take no resource-level permission: Resource "*" is the only form.`,
        );
        acknowledge(
          stack.node.findChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replaceAll('-', '')}`),
          'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          "CDK's AwsCustomResource provider function (deploy time only: puts the event log group's resource policy) has AWSLambdaBasicExecutionRole by construction; CDK offers no way to replace it.",
        );
        break;
      }
      case 'state-machine':
        // No shared rule targets the state machine directly (an EventBridge Step Functions
        // target cannot name executions); bind one here with targets.SfnStateMachine when one does.
        throw new Error(`rule ${rule.name}: state-machine targets are not wired in CDK yet`);
    }
  }
  return bus;
};
