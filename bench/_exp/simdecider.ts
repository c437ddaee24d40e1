import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { simDecider } from '../../domain/sim/decider.ts';
const client = new DynamoDBClient({});
export const handler = async () => ({ region: typeof client.config.region, t: simDecider });
