import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SimEvents as M } from '../../domain/sim/events.ts';
const client = new DynamoDBClient({});
export const handler = async () => ({ region: typeof client.config.region, t: M });
