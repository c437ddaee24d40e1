import { GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { conditional } from '../dynamodb/conditional.ts';
import type { LeaseStore } from '../../application/ports/lease-store.ts';
import type { Lease } from '../../domain/lease/publishing-lease.ts';

/** The lease's key in the event store's table: no stream has it, and it holds no events (stream consumers pass it by). */
export const LEASE_PK = 'LEASE#publishing';
const LEASE_KEY = { pk: { S: LEASE_PK }, v: { N: '0' } };

const toItem = (lease: Lease): Record<string, AttributeValue> => ({
  ...LEASE_KEY,
  owner: { S: lease.owner },
  token: { N: String(lease.token) },
  expiresAtMs: { N: String(lease.expiresAtMs) },
  ...(lease.watermark !== undefined && { watermark: { S: lease.watermark } }),
  ...(lease.sinceMs !== undefined && { sinceMs: { N: String(lease.sinceMs) } }),
  ...(lease.replayFrom !== undefined && { replayFrom: { S: lease.replayFrom } }),
});

const fromItem = (item: Record<string, AttributeValue>): Lease => ({
  owner: item.owner!.S!,
  token: Number(item.token!.N),
  expiresAtMs: Number(item.expiresAtMs!.N),
  ...(item.watermark?.S !== undefined && { watermark: item.watermark.S }),
  ...(item.sinceMs?.N !== undefined && { sinceMs: Number(item.sinceMs.N) }),
  ...(item.replayFrom?.S !== undefined && { replayFrom: item.replayFrom.S }),
});

/** The condition that `owner` still holds the lease under `token` (the fence), and what else must hold. */
const heldBy = (owner: string, token: number, and?: { condition: string; values: Record<string, AttributeValue> }) => ({
  ConditionExpression: `#owner = :owner AND #token = :token${and ? ` AND ${and.condition}` : ''}`,
  ExpressionAttributeNames: { '#owner': 'owner', '#token': 'token' },
  ExpressionAttributeValues: { ':owner': { S: owner }, ':token': { N: String(token) }, ...and?.values },
});

/**
 * The publishing lease as one item of the event store's (global) table, read consistently and
 * written conditionally: a takeover holds only if the lease is still what the taker read, and the
 * watermark moves only under the holder's token. With strong multi-region consistency the
 * conditions hold across regions; with eventual consistency, only within one (docs/architecture.md).
 */
export class DynamoDbLeaseStore implements LeaseStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async read() {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: LEASE_KEY, ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  async replace(expected: Lease | undefined, next: Lease) {
    const put = new PutItemCommand({
      TableName: this.tableName,
      Item: toItem(next),
      ...(expected === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : heldBy(expected.owner, expected.token, { condition: 'expiresAtMs = :expires', values: { ':expires': { N: String(expected.expiresAtMs) } } })),
    });
    return (await conditional(this.client.send(put))).written;
  }

  /** One conditional update of the lease item (its condition: the fence, and what else must hold), with the item as it was if refused. */
  private update(expression: string, condition: ReturnType<typeof heldBy>) {
    return conditional(this.client.send(new UpdateItemCommand({ TableName: this.tableName, Key: LEASE_KEY, UpdateExpression: expression, ReturnValuesOnConditionCheckFailure: 'ALL_OLD', ...condition })));
  }

  async renew(current: Lease, expiresAtMs: number) {
    const fence = heldBy(current.owner, current.token, { condition: 'expiresAtMs = :expires', values: { ':expires': { N: String(current.expiresAtMs) }, ':next': { N: String(expiresAtMs) } } });
    return (await this.update('SET expiresAtMs = :next', fence)).written;
  }

  async advance(owner: string, token: number, watermark: string) {
    const outcome = await this.update('SET watermark = :w', heldBy(owner, token, { condition: '(attribute_not_exists(watermark) OR watermark < :w)', values: { ':w': { S: watermark } } }));
    if (outcome.written) return true;
    // Not moved: fenced, or the watermark is already past it (still the holder), as the item was when refused.
    return outcome.item?.owner?.S === owner && outcome.item.token?.N === String(token);
  }

  async replayed(owner: string, token: number) {
    return (await this.update('REMOVE replayFrom', heldBy(owner, token))).written;
  }
}
