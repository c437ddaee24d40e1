import { GetItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { UsageCount, UsageCounters, UsageTotals } from '../../application/signals/ports.ts';

/** Usage counters are kept this long (a year of billing cycles, and some). */
const KEEP_SECONDS = 400 * 24 * 3600;

const usageKey = (tenant: string, eid: string, month: string) => ({ pk: { S: `T#${tenant}#USAGE#${eid}` }, sk: { S: month } });

const num = (v: AttributeValue | undefined) => Number(v?.N ?? 0);

/** An item's attributes as totals: `bytes`, `sms`, `b_<mno>`, `s_<mno>`, `d<dd>`. */
const totalsOf = (item: Record<string, AttributeValue>): UsageTotals => {
  const byMno: Record<string, { bytes: number; sms: number }> = {};
  const days: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith('b_') || name.startsWith('s_')) {
      const entry = (byMno[name.slice(2)] ??= { bytes: 0, sms: 0 });
      if (name.startsWith('b_')) entry.bytes = num(value);
      else entry.sms = num(value);
    } else if (/^d\d\d$/.test(name)) days[name.slice(1)] = num(value);
  }
  return { bytes: num(item.bytes), sms: num(item.sms), byMno, days };
};

/**
 * A SIM's month in one item of the signals table, counted by one UpdateItem of atomic ADDs (the
 * month, the MNO's share, the day), which answers the totals after it: no read before the write,
 * and concurrent consumers never lose a count.
 */
export const dynamoDbUsageCounters = (client: DynamoDBClient, table: string, nowMs: () => number = Date.now): UsageCounters => ({
  async add(count: UsageCount) {
    const { Attributes } = await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: usageKey(count.tenant, count.eid, count.month),
        UpdateExpression: 'ADD #bytes :bytes, #sms :sms, #mb :bytes, #ms :sms, #day :bytes SET expiresAt = :expires',
        ExpressionAttributeNames: { '#bytes': 'bytes', '#sms': 'sms', '#mb': `b_${count.mno}`, '#ms': `s_${count.mno}`, '#day': `d${count.day}` },
        ExpressionAttributeValues: { ':bytes': { N: String(count.bytes) }, ':sms': { N: String(count.sms) }, ':expires': { N: String(Math.floor(nowMs() / 1000) + KEEP_SECONDS) } },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return totalsOf(Attributes ?? {});
  },
  async read(tenant, eid, month) {
    const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: usageKey(tenant, eid, month), ConsistentRead: true }));
    return Item ? totalsOf(Item) : undefined;
  },
});
