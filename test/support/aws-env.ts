import { inject } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local.ts';

// Before any handler module is imported: the SDK and functions/config.ts read these once.
Object.assign(process.env, {
  AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbEndpoint'),
  AWS_REGION: 'local',
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
});
