import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * The floor of the functions' module init (bench/bundles.ts): a handler that imports only the
 * DynamoDB client and makes it at module scope, as a handler that reads and writes a table must.
 */
const client = new DynamoDBClient({});

export const handler = async () => ({ region: typeof client.config.region });
