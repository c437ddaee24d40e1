import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BATCH_SEND_MS, type BatchIds } from '../../application/signals/ports.ts';
import { SIGNAL_WINDOW_MS } from './push-format.ts';

/**
 * Batch ids in the signals table (application/signals/ports.ts BatchIds): a conditional PutItem
 * takes one (`sending`, with when and a token) unless it is there, sent or being sent within
 * BATCH_SEND_MS; what stopped it is read back to say `sent` or `in-flight`. `confirm` and `release`
 * are conditioned on the token, so a stalled sender never overwrites its successor's mark. Kept for
 * three replay windows (a pushed batch is refused as stale after one) by default; the pull and file
 * paths keep theirs longer (`keepMs`), for as long as the same batch may come again.
 */
export const dynamoDbBatchIds = (client: DynamoDBClient, table: string, nowMs: () => number = Date.now, keepMs = 3 * SIGNAL_WINDOW_MS): BatchIds => {
  const key = (mno: string, batchId: string) => ({ pk: { S: `BATCH#${mno}#${batchId}` }, sk: { S: '-' } });
  const expires = () => ({ N: String(Math.floor((nowMs() + keepMs) / 1000)) });
  const mark = (mno: string, batchId: string, state: 'sent' | 'released', token: string) =>
    client
      .send(
        new PutItemCommand({
          TableName: table,
          Item: { ...key(mno, batchId), state: { S: state }, at: { N: String(nowMs()) }, expiresAt: expires() },
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':token': { S: token } },
        }),
      )
      .then(
        () => undefined,
        (error: unknown) => {
          // Taken over meanwhile: the successor's mark stands.
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        },
      );
  return {
    async take(mno, batchId) {
      const token = randomUUID();
      try {
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: { ...key(mno, batchId), state: { S: 'sending' }, token: { S: token }, at: { N: String(nowMs()) }, expiresAt: expires() },
            ConditionExpression: 'attribute_not_exists(pk) OR #state = :released OR (#state = :sending AND #at < :stale)',
            ExpressionAttributeNames: { '#state': 'state', '#at': 'at' },
            ExpressionAttributeValues: { ':released': { S: 'released' }, ':sending': { S: 'sending' }, ':stale': { N: String(nowMs() - BATCH_SEND_MS) } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { state: 'taken', token };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        return error.Item?.state?.S === 'sending' ? { state: 'in-flight' } : { state: 'sent' };
      }
    },
    confirm: (mno, batchId, token) => mark(mno, batchId, 'sent', token),
    release: (mno, batchId, token) => mark(mno, batchId, 'released', token),
  };
};
