import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { EventSourceMapping, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { deadLetterQueue } from './dead-letter-queue.ts';
import type { EventStore } from './event-store.ts';

/**
 * An event source mapping from the event store's stream to `fn`: oldest first, bisection on
 * error, partial batch responses, 10 retries within 24 h, then the batch's position to an SQS
 * queue of its own; and the stream read and replica-key decrypt it needs. The mapping goes where
 * the function is (a nested stack, handler-stacks.ts); the queue is the regional stack's (`stack`),
 * with the other dead-letter queues its alarms watch.
 */
export const streamConsumer = (
  stack: Stack,
  store: Pick<EventStore, 'eventStoreKey' | 'eventStoreStreamArn'>,
  fn: NodejsFunction,
  id: string,
  dlqId: string,
  what: string,
) => {
  new EventSourceMapping(Stack.of(fn), id, {
    target: fn,
    eventSourceArn: store.eventStoreStreamArn,
    startingPosition: StartingPosition.TRIM_HORIZON,
    batchSize: 100,
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    retryAttempts: 10,
    maxRecordAge: Duration.hours(24),
    onFailure: new SqsDlq(deadLetterQueue(stack, dlqId, what)),
  });
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
      resources: [store.eventStoreStreamArn],
    }),
  );
  fn.addToRolePolicy(new PolicyStatement({ actions: ['kms:Decrypt'], resources: [store.eventStoreKey.keyArn] }));
};
