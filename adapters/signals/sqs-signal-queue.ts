import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SignalBatch, SignalQueue } from '../../application/signals/ports.ts';

/**
 * Batches to the signals queue, one message each (application/signals/ports.ts `sendOnce` splits
 * one that would not fit a message, each part with its own id), delayed when asked (a batch handed
 * back again and again waits longer each time, up to SQS's 15 minutes).
 */
export const sqsSignalQueue = (client: SQSClient, queueUrl: string): SignalQueue => ({
  async send(batch: SignalBatch, delaySeconds?: number) {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(batch), ...(delaySeconds && { DelaySeconds: Math.min(900, Math.round(delaySeconds)) }) }));
  },
});
