import { credentialStoreFor } from '../../adapters/mno-gateways/credentials.ts';
import { mnoGateways } from '../../adapters/mno-gateways/index.ts';
import { countMnoApplyError, countMnoApplyFailure } from '../../adapters/observability/metrics.ts';
import type { CascadePorts } from '../../application/cascades/ports.ts';
import { adapters, config, env } from './wiring.ts';

/** What the cascade's steps (application/cascades) run on: the workflow tasks' wiring. */
export const cascadePorts: CascadePorts = {
  get store() {
    return adapters.eventStore;
  },
  gateway: (registration) => (adapters.gateways ??= mnoGateways(credentialStoreFor(env)))(registration),
  region: config.region,
  now: () => new Date().toISOString(),
  countApplyError: countMnoApplyError,
  countApplyFailure: countMnoApplyFailure,
};
