import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * What every bundled handler's AWS SDK clients take their credentials from, in place of the SDK's
 * default chain (@aws-sdk/credential-provider-node, aliased to this module in infra/cdk/bundling.ts):
 * Lambda puts the function's role credentials in its environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the chain's other providers (SSO, INI files,
 * processes, the container and instance metadata endpoints) are never reached there, yet cost each
 * bundle about 133 KiB and its cold start about 24 ms (they import node:http as ESM). The local
 * runtime runs from source with the full chain.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
