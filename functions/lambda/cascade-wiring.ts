import { credentialStoreFor } from '../../adapters/mno-gateways/credentials.ts';
import { dynamoDbRateLimiter } from '../../adapters/mno-rate/dynamodb-rate-limiter.ts';
import { mnoGateways } from '../../adapters/mno-gateways/index.ts';
import { countMnoApplyError, countMnoApplyFailure } from '../../adapters/observability/metrics.ts';
import type { CascadePorts } from '../../application/cascades/ports.ts';
import { adapters, config, dynamodb, env } from './wiring.ts';

/** What the cascade's steps (application/cascades) run on: the workflow tasks' wiring. */
export const cascadePorts: CascadePorts = {
  get store() {
    return adapters.eventStore;
  },
  gateway: (registration) => (adapters.gateways ??= mnoGateways(credentialStoreFor(env)))(registration),
  admit: dynamoDbRateLimiter(dynamodb, env.MNO_RATE_TABLE),
  region: config.region,
  now: () => new Date().toISOString(),
  countApplyError: countMnoApplyError,
  countApplyFailure: countMnoApplyFailure,
};
