import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { LogsError, type DescribeLogGroupsInput, type FilterLogEventsInput, type LogStore } from './store.ts';

/**
 * The CloudWatch Logs JSON protocol (awsJson1_1, `X-Amz-Target: Logs_20140328.<Action>`) over the
 * local log store, so `npm run ops -- events` reads the bus's log group with
 * @aws-sdk/client-cloudwatch-logs exactly as in AWS, and `aws logs filter-log-events
 * --endpoint-url` works too. Actions: FilterLogEvents (logGroupName or logGroupIdentifier,
 * logStreamNames or logStreamNamePrefix, startTime, endTime, filterPattern in the subset of
 * filter-pattern.ts, limit, nextToken) and DescribeLogGroups. Times are epoch milliseconds;
 * errors are `{ __type, message }` with AWS's names. Requests are not signature-checked.
 */
export const cloudWatchLogsEndpoint = (store: LogStore): Server => {
  const actions: Record<string, (input: Record<string, unknown>) => unknown> = {
    FilterLogEvents: (input) => store.filterLogEvents(input as FilterLogEventsInput),
    DescribeLogGroups: (input) => store.describeLogGroups(input as DescribeLogGroupsInput),
  };
  return createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(body));
    };
    const fail = (type: string, message: string, status = 400) => reply(status, { __type: type, message });
    const action = String(req.headers['x-amz-target'] ?? '').replace('Logs_20140328.', '');
    const handler = Object.hasOwn(actions, action) ? actions[action] : undefined;
    if (!handler) return fail('UnknownOperationException', `${action || 'no action'} is not supported by the local CloudWatch Logs endpoint`);
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      if (typeof input !== 'object' || !input || Array.isArray(input)) throw new Error('not an object');
    } catch {
      return fail('SerializationException', 'the body is not a JSON object');
    }
    try {
      return reply(200, handler(input));
    } catch (error) {
      const e = error as Error;
      return e instanceof LogsError ? fail(e.name, e.message) : fail('ServiceUnavailableException', e.message, 500);
    }
  });
};
