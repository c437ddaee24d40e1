import type { OutgoingHttpHeaders, Server } from 'node:http';
import { awsJsonEndpoint } from '../aws-json-endpoint.ts';
import { batchError, missingParameter, queueDoesNotExist, SqsError } from './errors.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, messageSize, parseMessage } from './message.ts';
import { ACCOUNT_ID, type LocalQueue } from './queue.ts';

/**
 * SQS's JSON protocol (awsJson1_0, `X-Amz-Target: AmazonSQS.<Action>`) over the local queues, so
 * handlers send with @aws-sdk/client-sqs through `AWS_ENDPOINT_URL_SQS` exactly as in AWS (and
 * `aws sqs send-message --endpoint-url` works). Actions: SendMessage, SendMessageBatch (at most 10
 * entries, their total within the batch limit; each entry answered in Successful or Failed) and
 * GetQueueUrl. Queue URLs are `<endpoint>/000000000000/<name>`. Requests are not signature-checked.
 */
export const sqsEndpoint = (queues: ReadonlyMap<string, LocalQueue>, queueUrl: (name: string) => string): Server => {
  const queueOf = (input: Record<string, unknown>): LocalQueue => {
    if (typeof input.QueueUrl !== 'string' || !input.QueueUrl) throw missingParameter('QueueUrl');
    let path: string[];
    try {
      path = new URL(input.QueueUrl).pathname.split('/').filter(Boolean);
    } catch {
      throw queueDoesNotExist();
    }
    const queue = path.length === 2 && path[0] === ACCOUNT_ID ? queues.get(path[1]!) : undefined;
    if (!queue) throw queueDoesNotExist();
    return queue;
  };

  const sendMessage = (input: Record<string, unknown>) => {
    const queue = queueOf(input);
    const message = queue.accept(parseMessage(input, queue.maxMessageBytes));
    return { MessageId: message.id, MD5OfMessageBody: message.md5OfBody, ...(message.md5OfMessageAttributes ? { MD5OfMessageAttributes: message.md5OfMessageAttributes } : {}) };
  };

  const sendMessageBatch = (input: Record<string, unknown>) => {
    const queue = queueOf(input);
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length === 0) throw batchError('EmptyBatchRequest', 'There should be at least one SendMessageBatchRequestEntry in the request.');
    if (entries.length > 10) throw batchError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${entries.length}.`);
    const seen = new Set<string>();
    for (const entry of entries as unknown[]) {
      const id = (entry as { Id?: unknown } | null)?.Id;
      if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(id))
        throw batchError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
      if (seen.has(id)) throw batchError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
      seen.add(id);
    }
    const typed = entries as (Record<string, unknown> & { Id: string })[];
    const limit = Math.max(DEFAULT_MAX_MESSAGE_BYTES, queue.maxMessageBytes);
    const total = typed.reduce((sum, entry) => sum + messageSize(entry), 0);
    if (total > limit) throw batchError('BatchRequestTooLong', `Batch requests cannot be longer than ${limit} bytes. You have sent ${total} bytes.`);
    const Successful: object[] = [];
    const Failed: object[] = [];
    for (const entry of typed) {
      let parsed;
      try {
        parsed = parseMessage(entry, queue.maxMessageBytes);
      } catch (error) {
        if (!(error instanceof SqsError)) throw error;
        Failed.push({ Id: entry.Id, SenderFault: true, Code: error.queryCode, Message: error.message });
        continue;
      }
      const message = queue.accept(parsed);
      Successful.push({ Id: entry.Id, MessageId: message.id, MD5OfMessageBody: message.md5OfBody, ...(message.md5OfMessageAttributes ? { MD5OfMessageAttributes: message.md5OfMessageAttributes } : {}) });
    }
    return { Successful, Failed };
  };

  const getQueueUrl = (input: Record<string, unknown>) => {
    if (typeof input.QueueName !== 'string' || !input.QueueName) throw missingParameter('QueueName');
    if (input.QueueOwnerAWSAccountId !== undefined && input.QueueOwnerAWSAccountId !== ACCOUNT_ID) throw queueDoesNotExist();
    if (!queues.has(input.QueueName)) throw queueDoesNotExist();
    return { QueueUrl: queueUrl(input.QueueName) };
  };

  // The awsQuery code of the error being answered: set where the error is mapped, read by that
  // response's writeHead in the same synchronous step (aws-json-endpoint.ts answers at once).
  let queryError: string | undefined;
  const server = awsJsonEndpoint({
    targetPrefix: 'AmazonSQS.',
    protocol: '1.0',
    name: 'SQS',
    actions: { SendMessage: sendMessage, SendMessageBatch: sendMessageBatch, GetQueueUrl: getQueueUrl },
    clientError: (e) => {
      if (!(e instanceof SqsError)) return undefined;
      queryError = `${e.queryCode};Sender`;
      return { type: `com.amazonaws.sqs#${e.type}`, message: e.message };
    },
    internalErrorType: 'com.amazonaws.sqs#InternalError',
  });
  server.prependListener('request', (_req, res) => {
    const writeHead = res.writeHead.bind(res) as (status: number, headers?: OutgoingHttpHeaders) => typeof res;
    res.writeHead = ((status: number, headers?: OutgoingHttpHeaders) => {
      const code = queryError;
      queryError = undefined;
      return writeHead(status, code && status === 400 ? { ...headers, 'x-amzn-query-error': code } : headers);
    }) as typeof res.writeHead;
  });
  return server;
};
