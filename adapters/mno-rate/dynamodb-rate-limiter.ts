import { ConditionalCheckFailedException, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { MnoRateLimited } from '../../application/ports/mno-gateway.ts';
import type { MnoRegistration } from '../../domain/mno/events.ts';

/**
 * Each MNO's declared rate (`api.rateLimitPerSecond`) kept by every function that calls it: one
 * counter per MNO and second in the mno-rate table (`pk` = `<mno>#<epoch second>`), taken by a
 * conditional ADD (below the limit, or refused), gone a few minutes later (TTL). One UpdateItem a
 * call to an MNO that declares a rate; none for one that does not. Half the rate a calendar second:
 * two seconds' calls can fall on either side of a boundary, and half keeps them within a token
 * bucket of the declared rate and burst (as CMPs limit) whatever the phase.
 */
export const dynamoDbRateLimiter = (client: DynamoDBClient, table: string, nowMs: () => number = Date.now) => async (registration: Pick<MnoRegistration, 'id' | 'api'>) => {
  const rate = registration.api.rateLimitPerSecond;
  if (rate === undefined) return;
  const limit = Math.max(1, Math.floor(rate / 2));
  const second = Math.floor(nowMs() / 1000);
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: `${registration.id}#${second}` } },
        UpdateExpression: 'ADD calls :one SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(calls) OR calls < :limit',
        ExpressionAttributeValues: { ':one': { N: '1' }, ':limit': { N: String(limit) }, ':expires': { N: String(second + 300) } },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new MnoRateLimited(`${registration.id} allows ${rate} calls a second: this second's share is taken`);
    throw error;
  }
};
