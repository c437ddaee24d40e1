import { ConditionalCheckFailedException, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BATCH_SEND_MS, type BatchIds } from '../../application/signals/ports.ts';
import { SIGNAL_WINDOW_MS } from './push-format.ts';

/**
 * Batch ids in the signals table (application/signals/ports.ts BatchIds): a conditional PutItem
 * takes one (`sending`, with when) unless it is there, sent or being sent within BATCH_SEND_MS;
 * `confirm` marks it sent; `release` gives it back. Kept for three replay windows (a pushed batch is
 * refused as stale after one) by default; the pull and file paths keep theirs longer (`keepMs`),
 * for as long as the same batch may come again.
 */
export const dynamoDbBatchIds = (client: DynamoDBClient, table: string, nowMs: () => number = Date.now, keepMs = 3 * SIGNAL_WINDOW_MS): BatchIds => {
  const key = (mno: string, batchId: string) => ({ pk: { S: `BATCH#${mno}#${batchId}` }, sk: { S: '-' } });
  const expires = () => ({ N: String(Math.floor((nowMs() + keepMs) / 1000)) });
  const put = (mno: string, batchId: string, state: 'sending' | 'sent' | 'released') =>
    new PutItemCommand({ TableName: table, Item: { ...key(mno, batchId), state: { S: state }, at: { N: String(nowMs()) }, expiresAt: expires() } });
  return {
    async take(mno, batchId) {
      const command = put(mno, batchId, 'sending');
      command.input.ConditionExpression = 'attribute_not_exists(pk) OR #state = :released OR (#state = :sending AND #at < :stale)';
      command.input.ExpressionAttributeNames = { '#state': 'state', '#at': 'at' };
      command.input.ExpressionAttributeValues = { ':released': { S: 'released' }, ':sending': { S: 'sending' }, ':stale': { N: String(nowMs() - BATCH_SEND_MS) } };
      try {
        await client.send(command);
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async confirm(mno, batchId) {
      await client.send(put(mno, batchId, 'sent'));
    },
    async release(mno, batchId) {
      await client.send(put(mno, batchId, 'released'));
    },
  };
};
