import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from '../../domain/zod-mini.ts';
import { processSignalBatch } from '../../application/signals/process.ts';
import { Signal } from '../../domain/signals/signals.ts';
import { checked, lambdaHandler } from '../lambda/handler.ts';
import { signalQueue } from '../lambda/signal-queue-wiring.ts';
import { signalPorts, simContexts } from '../lambda/signal-wiring.ts';

const processor = new BatchProcessor(EventType.SQS);

const SqsEvent = z.object({ Records: z.array(z.looseObject({ messageId: z.string(), body: z.string() })) });

/** A batch as the push route queued it (checked there; read again here, as anything from a queue is). */
const QueuedBatch = z.object({
  mno: z.string(),
  batchId: z.string(),
  receivedAt: z.iso.datetime(),
  signals: z.array(Signal),
  counted: z.optional(z.array(z.string().check(z.maxLength(60)))),
  requeues: z.optional(z.int().check(z.nonnegative())),
});

const consumeOne = async (record: SQSRecord) => {
  const parsed = QueuedBatch.safeParse(JSON.parse(record.body));
  // Not a batch: it fails, and the queue sets it aside after its receives (its dead-letter queue).
  if (!parsed.success) throw new Error(`message ${record.messageId} is not a signal batch`);
  const rest = await processSignalBatch(signalPorts(), simContexts(), parsed.data);
  if (!rest) return;
  // Some SIMs failed (the others are done): only theirs is queued again, later each time; the send is
  // tried a few times, since should it fail the whole message is received again (and its done SIMs' usage counted again).
  const delay = Math.min(900, 5 * 2 ** Math.min(8, (rest.requeues ?? 1) - 1));
  for (let attempt = 1; ; attempt++) {
    try {
      return await signalQueue().send(rest, delay);
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((ok) => setTimeout(ok, 250 * 4 ** attempt));
    }
  }
};

/**
 * The signals queue's consumer: each pushed batch counted, checked and acted on
 * (application/signals/process.ts). The SIMs of a batch that failed go back on the queue as a batch
 * of their own (their usage, when counted, marked so); a batch that failed whole is reported alone
 * (Powertools batch) and received again.
 */
export const handler = lambdaHandler(checked<SQSEvent>(SqsEvent), (event, context) => processPartialResponse(event, consumeOne, processor, { context }));
