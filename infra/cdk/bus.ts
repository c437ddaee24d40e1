import { ArnFormat, Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Archive, EventBus, Rule, type EventPattern } from 'aws-cdk-lib/aws-events';
import { addToDeadLetterQueueResourcePolicy, LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, ResourcePolicy, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BUS_NAME, EVENT_RULES, type EventRule } from '../../manifest/rules.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { eventFunctionFailures } from './event-function-failures.ts';
import { handlersTriggeredBy } from './handlers.ts';
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
        const fn = functions[handlersTriggeredBy('rule').find((h) => h.trigger.function === target.function)!.id]!;
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
        // EventBridge may write to this group only: a resource policy of the group's own (native,
        // not CDK's CloudWatchLogGroup target, which puts it with a deploy-time Lambda).
        const policy = new ResourcePolicy(stack, `Logs-${rule.name}-Policy`, {
          resourcePolicyName: `${BUS_NAME}-${rule.name}`,
          policyStatements: [
            new PolicyStatement({
              principals: [new ServicePrincipal('events.amazonaws.com'), new ServicePrincipal('delivery.logs.amazonaws.com')],
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupArn],
            }),
          ],
        });
        const groupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
        const logRule = new Rule(stack, `Rule-${rule.name}`, {
          eventBus: bus,
          ruleName: rule.name,
          description: rule.description.slice(0, 512),
          eventPattern,
          targets: [
            {
              bind: () => ({
                arn: groupArn,
                deadLetterConfig: { arn: ruleDlq.queueArn },
                retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: Duration.hours(24).toSeconds() },
              }),
            },
          ],
        });
        logRule.node.addDependency(policy);
        // The rule may send what it cannot deliver to the dead-letter queue (as the other targets' helpers do).
        addToDeadLetterQueueResourcePolicy(logRule, ruleDlq);
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
