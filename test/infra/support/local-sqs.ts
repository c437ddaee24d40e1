import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach } from 'vitest';
import { startLocalQueues, type LocalQueues, type QueueOptions, type SqsConsumer } from '../../../infra/local/sqs/index.ts';

export const QUEUE = 'switchboard-signals';

/**
 * The SQS stand-in with one queue (`QUEUE`, the rest of `options`), a client on it, and every event
 * its consumer got; each stopped after its test (or by `stop()`, a test's own restart).
 */
export const localSqs = (visibilityMs: number) => {
  const running: { queues: LocalQueues; client: SQSClient }[] = [];
  afterEach(async () => {
    for (const { queues, client } of running.splice(0)) {
      client.destroy();
      await queues.stop();
    }
  });
  return async (consumer: SqsConsumer, options: Partial<QueueOptions> = {}) => {
    const events: SQSEvent[] = [];
    const logged: string[] = [];
    const queues = await startLocalQueues({
      queues: [{ name: QUEUE, visibilityMs, ...options, consumer: (event) => (events.push(structuredClone(event)), consumer(event)) }],
      log: (m) => logged.push(m),
    });
    const client = new SQSClient({ endpoint: queues.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    const handle = { queues, client };
    running.push(handle);
    const stop = async () => {
      running.splice(running.indexOf(handle), 1);
      client.destroy();
      await queues.stop();
    };
    return { queues, client, url: queues.queueUrl(QUEUE), events, records: () => events.flatMap((e) => e.Records), logged, stop };
  };
};
