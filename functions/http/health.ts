import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { config, dynamodb } from '../lambda/wiring.ts';

/** GET /health, no token: 200 when the event store answers within 2 s, 503 otherwise. */
export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => {
  try {
    await dynamodb.send(new GetItemCommand({ TableName: config.eventsTable, Key: { pk: { S: 'HEALTH' }, v: { N: '0' } } }), {
      abortSignal: AbortSignal.timeout(2000),
    });
    return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify({ status: 'ok', region: config.region }) };
  } catch {
    return {
      statusCode: 503,
      headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', 'retry-after': '5' },
      body: JSON.stringify({ type: '/problems/storage-unavailable', title: 'Service Unavailable', status: 503, detail: 'the event store does not answer' }),
    };
  }
};
