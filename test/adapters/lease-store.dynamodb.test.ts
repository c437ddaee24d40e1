import { DynamoDbLeaseStore } from '../../adapters/lease/dynamodb-lease.ts';
import { freshTables } from '../support/tables.ts';
import { leaseStoreContract } from './lease-store.contract.ts';

leaseStoreContract('DynamoDB', async () => {
  const tables = await freshTables();
  return new DynamoDbLeaseStore(tables.client, tables.events);
});
