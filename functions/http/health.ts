import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as z from '../../domain/zod-mini.ts';
import type { Health } from '../../application/views/platform.schema.ts';
import { config, dynamodb, env } from '../lambda/wiring.ts';

const sfn = new SFNClient({ maxAttempts: 1 });
const eventBridge = new EventBridgeClient({ maxAttempts: 1 });

/** What a region needs to serve, each asked once with a 2 s limit: the event store, the workflow engine, the bus. */
const CHECKS = {
  'event store': () => dynamodb.send(new GetItemCommand({ TableName: config.eventsTable, Key: { pk: { S: 'HEALTH' }, v: { N: '0' } } }), { abortSignal: AbortSignal.timeout(2000) }),
  'workflow engine': () => (env.CASCADE_STATE_MACHINE_ARN ? sfn.send(new DescribeStateMachineCommand({ stateMachineArn: env.CASCADE_STATE_MACHINE_ARN }), { abortSignal: AbortSignal.timeout(2000) }) : Promise.resolve()),
  bus: () => eventBridge.send(new DescribeEventBusCommand({ Name: env.EVENT_BUS_NAME }), { abortSignal: AbortSignal.timeout(2000) }),
};

/** A throttled describe call is a busy control plane, not a region that cannot serve. */
const answered = (error: unknown) => (error as Error).name === 'ThrottlingException' || (error as Error).name === 'TooManyRequestsException';

/** The last answer, kept for a few seconds: Route 53's checkers (and anyone) call this often, and each call would ask three services. */
const KEEP_MS = 5_000;
let last: { atMs: number; down: string[] } | undefined;

/**
 * GET /health, no token (Route 53's health checks and the local failover front call it): 200 when
 * the event store, the workflow engine and the bus all answer within 2 s (the answer kept 5 s), else
 * 503 naming what does not (and nothing more).
 */
export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => {
  if (!last || Date.now() - last.atMs > KEEP_MS) {
    const outcomes = await Promise.allSettled(Object.values(CHECKS).map((check) => check()));
    last = { atMs: Date.now(), down: Object.keys(CHECKS).filter((_, i) => outcomes[i]!.status === 'rejected' && !answered((outcomes[i] as PromiseRejectedResult).reason)) };
  }
  const { down } = last;
  if (down.length === 0) return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify({ status: 'ok', region: config.region } satisfies z.output<typeof Health>) };
  return {
    statusCode: 503,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', 'retry-after': '5' },
    body: JSON.stringify({ type: down.includes('event store') ? '/problems/storage-unavailable' : '/problems/dependency-unavailable', title: 'Service Unavailable', status: 503, detail: `does not answer: ${down.join(', ')}` }),
  };
};
