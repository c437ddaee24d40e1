import * as z from '../../domain/zod-mini.ts';
import { logger } from '../../adapters/observability/logger.ts';
import { enterprisesUsing, publishedPolicies, simsOn } from '../../adapters/read-models/queries.ts';
import { verifyNetwork } from '../../application/signals/verify-network.ts';
import { readEnvironment } from '../../manifest/environment.ts';
import { cascadePorts } from '../lambda/cascade-wiring.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { wherePublishing } from '../lambda/lease-wiring.ts';
import { config, dynamodb } from '../lambda/wiring.ts';

const Tick = z.looseObject({ id: z.optional(z.string()) });

/** Every 15 minutes (schedule `verify-network`): what each MNO holds read back against the newest settled desired state; drift is an alert (application/signals/verify-network.ts); only in the region holding the publishing lease. */
export const handler = lambdaHandler(Tick, wherePublishing(async (_lease) => {
  const { found, errors } = await verifyNetwork({
    store: cascadePorts.store,
    gateway: cascadePorts.gateway,
    admit: cascadePorts.admit,
    enterprisesUsing: (mno) => enterprisesUsing(dynamodb, config.readModelsTable, mno),
    publishedPolicies: (tenant) => publishedPolicies(dynamodb, config.readModelsTable, tenant),
    simsOn: (tenant, mno) => simsOn(dynamodb, config.readModelsTable, tenant, mno),
    region: config.region,
    nowMs: Date.now,
    settleMs: readEnvironment().NETWORK_SETTLE_MS,
  });
  if (found.length > 0) logger.warn('drift between Switchboard and the network', { found: found.slice(0, 50), count: found.length });
  if (errors.length > 0) logger.warn('MNOs not verified this time', { errors });
  return { found: found.length, errors };
}));
