import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SignalBatch, SignalQueue } from '../../application/signals/ports.ts';

/** SQS takes messages of up to 256 KiB; a batch that would be larger goes as several. */
const MAX_MESSAGE_BYTES = 250_000;

/** Pushed batches to the signals queue: one message a batch (halves of it, while it is too large). */
export const sqsSignalQueue = (client: SQSClient, queueUrl: string): SignalQueue => {
  const send = async (batch: SignalBatch): Promise<void> => {
    const body = JSON.stringify(batch);
    if (Buffer.byteLength(body) > MAX_MESSAGE_BYTES && batch.signals.length > 1) {
      const half = Math.ceil(batch.signals.length / 2);
      await send({ ...batch, signals: batch.signals.slice(0, half) });
      await send({ ...batch, signals: batch.signals.slice(half) });
      return;
    }
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  };
  return { send };
};
