import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';
import type { SFNClientConfig } from '@aws-sdk/client-sfn';

/** What the local runtime writes to `$SWITCHBOARD_DATA_DIR/endpoints.json` while it runs. */
export interface Endpoints {
  api?: string;
  dynamodb?: string;
  stepfunctions?: string;
  eventbridge?: string;
  /** CloudWatch Logs: the ops feed's log group (functions/events/rules.ts, `log-group` targets). */
  logs?: string;
  /** The simulated MNOs' CMP endpoints, `{ "<mno id>": "<url>" }`; the same across restarts. */
  mnos?: Record<string, string>;
}

/** The local endpoints accept any credentials; these are the runtime's own. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export const endpointsFile = (env: NodeJS.ProcessEnv = process.env) => resolve(env.SWITCHBOARD_DATA_DIR ?? '.switchboard', 'endpoints.json');

export class OpsError extends Error {}

export const readEndpoints = (file: string): Endpoints => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new OpsError(`${file} not found: is the local runtime running (npm start, same SWITCHBOARD_DATA_DIR)? For AWS, pass --region.`);
  }
  try {
    return JSON.parse(text) as Endpoints;
  } catch {
    throw new OpsError(`${file} is not JSON`);
  }
};

/**
 * The Step Functions client's configuration: with `--region`, AWS itself (the SDK's default
 * credential chain, no endpoint override); otherwise the local runtime's endpoint.
 */
export const stepFunctionsConfig = (region: string | undefined, env: NodeJS.ProcessEnv = process.env): SFNClientConfig => {
  if (region) return { region };
  const file = endpointsFile(env);
  const endpoint = readEndpoints(file).stepfunctions;
  if (!endpoint) throw new OpsError(`${file} names no stepfunctions endpoint`);
  return { endpoint, region: 'local', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
};

/**
 * The CloudWatch Logs client's configuration, for the ops feed: with `--region`, AWS itself (the
 * SDK's default credential chain); otherwise the local runtime's endpoint.
 */
export const cloudWatchLogsConfig = (region: string | undefined, env: NodeJS.ProcessEnv = process.env): CloudWatchLogsClientConfig => {
  if (region) return { region };
  const file = endpointsFile(env);
  const endpoint = readEndpoints(file).logs;
  if (!endpoint) throw new OpsError(`${file} names no logs endpoint: is the local runtime older than this CLI? Restart it (npm start).`);
  return { endpoint, region: 'local', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
};
