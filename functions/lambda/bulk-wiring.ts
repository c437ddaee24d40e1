import { randomBytes } from 'node:crypto';
import { dynamoDbBulkItems } from '../../adapters/bulk-items/dynamodb-bulk-items.ts';
import { decodeCursor, listSims } from '../../adapters/read-models/queries.ts';
import type { BulkPorts } from '../../application/bulk/ports.ts';
import { newOrderId } from '../../application/sims/order-profile.ts';
import { adapters, config, dynamodb, env } from './wiring.ts';

export const bulkItems = dynamoDbBulkItems(dynamodb, env.BULK_ITEMS_TABLE);

/** What bulk operations run on: the event store, their items, the read models' SIM lists (the wiring of their tasks and routes). */
export const bulkPorts: BulkPorts = {
  get store() {
    return adapters.eventStore;
  },
  items: bulkItems,
  sims: async (tenant, filter, q) => {
    const page = await listSims(dynamodb, config.readModelsTable, tenant, { ...filter, limit: q.limit, after: q.after });
    return { eids: page.items.map((i) => i.eid!), next: page.nextCursor === undefined ? undefined : decodeCursor(page.nextCursor) };
  },
  region: config.region,
  transactionId: () => randomBytes(8).toString('hex'),
  orderId: newOrderId,
  nowMs: Date.now,
};
