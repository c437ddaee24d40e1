import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from './acknowledge.ts';

/** An SSE-encrypted, TLS-only SQS queue that holds what `what` says for 14 days; itself the last stop. */
export const deadLetterQueue = (scope: Construct, id: string, what: string) => {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledge(queue, 'AwsSolutions-SQS3', `This queue is itself a dead-letter queue (${what}); it has no further one.`);
  return queue;
};
