import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Psmo as M } from '../../domain/euicc/package.ts';
const client = new DynamoDBClient({});
export const handler = async () => ({ region: typeof client.config.region, t: M });
