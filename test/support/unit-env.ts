import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local.ts';

// The unit tier reaches no AWS and no DynamoDB Local: only in-process endpoints (the local bus, a
// fake Secrets Manager) which check no signature. The SDK still signs, so it gets the local runtime's
// dummy credentials and a region; handlers use the in-memory event store.
Object.assign(process.env, {
  AWS_REGION: 'local',
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
});
