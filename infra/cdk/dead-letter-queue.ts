import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import { acknowledge } from './acknowledge.ts';

/** A dead-letter queue of the stack, as the ops alarms and dashboard see it. */
export interface DeadLetterQueue {
  queue: Queue;
  /** What its messages are (the `what` it was made with). */
  what: string;
  /** What a person does when it is not empty, if its maker said. */
  runbook?: string;
}

/** Every queue made by deadLetterQueue(), with what it holds: the ops alarms find them here. */
const MADE = new WeakMap<IConstruct, Omit<DeadLetterQueue, 'queue'>>();

/**
 * An SSE-encrypted, TLS-only SQS queue that holds what `what` says for 14 days; itself the last
 * stop. Every queue made here gets a "not empty" alarm and a line on the region's dashboard
 * (`deadLetterQueuesIn`), with `runbook` (what to do about its messages) in the alarm.
 */
export const deadLetterQueue = (scope: Construct, id: string, what: string, runbook?: string) => {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledge(queue, 'AwsSolutions-SQS3', `This queue is itself a dead-letter queue (${what}); it has no further one.`);
  MADE.set(queue, runbook === undefined ? { what } : { what, runbook });
  return queue;
};

/**
 * The dead-letter queues under `scope`, in construct order: every queue deadLetterQueue() made, and
 * any other queue of the scope that some queue's redrive policy names as its dead-letter queue.
 */
export const deadLetterQueuesIn = (scope: IConstruct): DeadLetterQueue[] => {
  const all = scope.node.findAll();
  const redriveTargets = new Set<IConstruct>(all.flatMap((c) => (c instanceof Queue && c.deadLetterQueue ? [c.deadLetterQueue.queue] : [])));
  return all.flatMap((c): DeadLetterQueue[] => {
    if (!(c instanceof Queue)) return [];
    const made = MADE.get(c);
    if (made) return [{ queue: c, ...made }];
    return redriveTargets.has(c) ? [{ queue: c, what: `Messages another queue of the stack gave up on (${c.node.path}).` }] : [];
  });
};

/**
 * A work queue a function consumes (an SQS event source): SSE, TLS only, four days' retention, a
 * visibility six times the consumer's 60 s timeout (as Lambda advises), and after `receives` a
 * dead-letter queue of its own (`<id>Dlq`, with its alarm), holding what `what` says.
 */
export const consumedQueue = (scope: Construct, id: string, receives: number, what: string, runbook: string) =>
  new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(6 * 60),
    retentionPeriod: Duration.days(4),
    deadLetterQueue: { maxReceiveCount: receives, queue: deadLetterQueue(scope, `${id}Dlq`, what, runbook) },
  });
