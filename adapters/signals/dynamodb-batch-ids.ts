import { ConditionalCheckFailedException, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BatchIds } from '../../application/signals/ports.ts';
import { SIGNAL_WINDOW_MS } from './push-format.ts';

/**
 * A pushed batch's id, taken once: a conditional PutItem in the signals table, kept for three
 * replay windows (a batch is refused as stale after one) by default; the pull and file paths keep
 * theirs longer (`keepMs`), for as long as the same batch may come again. `release` gives it back when the batch
 * could not be queued, so the MNO's retry of it is taken.
 */
export const dynamoDbBatchIds = (client: DynamoDBClient, table: string, nowMs: () => number = Date.now, keepMs = 3 * SIGNAL_WINDOW_MS) => {
  const key = (mno: string, batchId: string) => ({ pk: { S: `BATCH#${mno}#${batchId}` }, sk: { S: '-' } });
  const expires = () => ({ N: String(Math.floor((nowMs() + keepMs) / 1000)) });
  const take: BatchIds = async (mno, batchId) => {
    try {
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: { ...key(mno, batchId), state: { S: 'taken' }, expiresAt: expires() },
          ConditionExpression: 'attribute_not_exists(pk) OR #state = :released',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':released': { S: 'released' } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };
  const release = async (mno: string, batchId: string) => {
    await client.send(new PutItemCommand({ TableName: table, Item: { ...key(mno, batchId), state: { S: 'released' }, expiresAt: expires() } }));
  };
  return { take, release };
};
