import type { Server } from 'node:http';
import { awsJsonEndpoint } from '../aws-json-endpoint.ts';
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
  return awsJsonEndpoint({
    targetPrefix: 'Logs_20140328.',
    protocol: '1.1',
    name: 'CloudWatch Logs',
    actions,
    clientError: (e) => (e instanceof LogsError ? { type: e.name, message: e.message } : undefined),
    internalErrorType: 'ServiceUnavailableException',
  });
};
