import { SQSClient } from '@aws-sdk/client-sqs';
import { sqsSignalQueue } from '../../adapters/signals/sqs-signal-queue.ts';
import { required } from '../../manifest/environment.ts';
import { once } from './signal-wiring.ts';
import { env } from './wiring.ts';

/** The signals queue (SQS), for the entries that send to it: the push route, the consumer (what failed), the file reader, the poll. */
export const signalQueue = once(() => sqsSignalQueue(new SQSClient({ maxAttempts: 3 }), required(env, 'SIGNALS_QUEUE_URL', 'pushed signals have no queue to wait in')));
