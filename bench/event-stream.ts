import { DescribeTableCommand, UpdateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Switches off the event store table's DynamoDB stream, before the benchmark writes anything.
 *
 * The local runtime feeds that stream to the stream handlers in this process: since e18af33
 * every SIM lifecycle commit starts a sim-state cascade (an execution, MNO calls, and appends to
 * the cascade, the tenant's cascade index and the SIM's own stream). In AWS that is another
 * Lambda on other machines; here it would share the 2 cores with the commands being measured,
 * grow the one tenant's cascade index by a commit per command (each append loads it whole), and
 * append SimStateObserved to the very SIM streams the benchmark drives. The policy cascades
 * measured later are started by the publish handler, not by the stream, so they need none of it.
 * The runtime's poller keeps polling the old stream, which now yields nothing.
 */
export const switchOffEventStream = async (client: DynamoDBClient, table: string) => {
  await client.send(new UpdateTableCommand({ TableName: table, StreamSpecification: { StreamEnabled: false } }));
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    if (!Table?.StreamSpecification?.StreamEnabled && Table?.TableStatus === 'ACTIVE') return;
    await sleep(50);
  }
  throw new Error(`the stream of ${table} is still enabled`);
};
