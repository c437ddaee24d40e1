import { Duration, type Stack } from 'aws-cdk-lib';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { ALL_HANDLERS } from './handlers.ts';

/**
 * Rules invoke their functions asynchronously: once Lambda has accepted an event, the rule's own
 * retries and dead-letter queue are behind it, and Lambda's two retries end in silence unless the
 * function has a failure destination. So every function a rule invokes (kind `event`) sends the
 * events it failed on, with the error, to one queue: a cascade that did not start, a webhook event
 * whose subscriptions could not be read, are kept there for a person (and alarmed on).
 */
export const eventFunctionFailures = (stack: Stack, functions: Record<string, NodejsFunction>) => {
  const failures = deadLetterQueue(
    stack,
    'EventFunctionFailuresDlq',
    'Events a rule-invoked function (cascade start, SIM cascade planning, webhook delivery) failed on after Lambda’s retries, with the error.',
    'Read the error in each message (requestContext.condition, responsePayload); once fixed, send the event (requestPayload) to the bus again with `aws events put-events`, or start a replay of the archive for its time range.',
  );
  for (const spec of ALL_HANDLERS.filter((h) => h.trigger.kind === 'rule' || h.trigger.kind === 'webhooks' || h.trigger.kind === 'schedule')) {
    functions[spec.id]!.configureAsyncInvoke({ onFailure: new SqsDestination(failures), retryAttempts: 2, maxEventAge: Duration.hours(6) });
  }
};
