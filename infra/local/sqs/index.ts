import type { Server } from 'node:http';
import type { DeadLetter } from './dead-letters.ts';
import { sqsEndpoint } from './endpoint.ts';
import { ACCOUNT_ID, createQueue, type LocalQueue, type QueueOptions } from './queue.ts';

export type { DeadLetter } from './dead-letters.ts';
export type { QueueOptions, SqsConsumer } from './queue.ts';

/**
 * The local stand-in for Amazon SQS: standard queues, each consumed by a handler as a Lambda event
 * source mapping with ReportBatchItemFailures would (queue.ts), served on a loopback port over
 * SQS's JSON protocol (endpoint.ts) for `AWS_ENDPOINT_URL_SQS`. Not FIFO; no ReceiveMessage (the
 * mapping is the only consumer).
 */
export interface LocalQueues {
  /** The SQS endpoint, e.g. http://127.0.0.1:port. */
  endpoint: string;
  /** `<endpoint>/000000000000/<name>`, as GetQueueUrl answers. */
  queueUrl(name: string): string;
  /** Resolves when no queue holds a message (queued, delayed or awaiting redelivery) and no batch is in flight. */
  idle(): Promise<void>;
  /** The dead letters of a queue without a dead-letter file. */
  deadLetters(name: string): readonly DeadLetter[];
  /** Stops accepting, waits for the batches in flight, closes the server and the journals. */
  stop(): Promise<void>;
}

export interface LocalQueuesOptions {
  queues: readonly QueueOptions[];
  /** Default 0: any free port. */
  port?: number;
  /** In records' awsRegion and eventSourceARN; default `local`. */
  region?: string;
  log?: (message: string) => void;
}

export const startLocalQueues = async (options: LocalQueuesOptions): Promise<LocalQueues> => {
  const log = options.log ?? ((message: string) => console.warn(`local SQS: ${message}`));
  const queues = new Map<string, LocalQueue>();
  const stopQueues = () => Promise.all([...queues.values()].map((q) => q.stop()));
  let endpoint = '';
  const queueUrl = (name: string) => {
    if (!queues.has(name)) throw new Error(`no local queue ${name}`);
    return `${endpoint}/${ACCOUNT_ID}/${name}`;
  };
  let server: Server;
  try {
    for (const queue of options.queues) {
      if (!/^[A-Za-z0-9_-]{1,80}$/.test(queue.name)) throw new Error(`queue name ${queue.name}: 1–80 letters, digits, - and _ (FIFO queues are not emulated)`);
      if (queues.has(queue.name)) throw new Error(`queue ${queue.name} is given twice`);
      queues.set(queue.name, createQueue(queue, { region: options.region ?? 'local', log }));
    }
    server = sqsEndpoint(queues, queueUrl);
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 0, '127.0.0.1', () => ok());
    });
  } catch (error) {
    await stopQueues();
    throw error;
  }
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  for (const queue of queues.values()) queue.start();
  return {
    endpoint,
    queueUrl,
    // Again until all are idle at once: a consumer of one queue may send to another.
    idle: async () => {
      do await Promise.all([...queues.values()].map((q) => q.idle()));
      while (![...queues.values()].every((q) => q.isIdle()));
    },
    deadLetters: (name) => {
      const queue = queues.get(name);
      if (!queue) throw new Error(`no local queue ${name}`);
      return queue.deadLetters();
    },
    stop: async () => {
      await stopQueues();
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    },
  };
};
