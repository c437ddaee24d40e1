import { BusEvent } from '../../application/bus-events.ts';
import { fallBackFrom } from '../../application/sims/fallback.ts';
import { logger } from '../../adapters/observability/logger.ts';
import { enterprisesUsing, simsOn } from '../../adapters/read-models/queries.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { adapters, config, dynamodb } from '../lambda/wiring.ts';

/** Rule `fallback`: an MNO declared in outage; its SIMs switch to a profile on an MNO that can take work (application/sims/fallback.ts). */
export const handler = lambdaHandler(BusEvent, async (event) => {
  const outcome = await fallBackFrom(
    {
      store: adapters.eventStore,
      region: config.region,
      tenantsUsing: (mno) => enterprisesUsing(dynamodb, config.readModelsTable, mno),
      simsOn: (tenant, mno) => simsOn(dynamodb, config.readModelsTable, tenant, mno),
    },
    event,
  );
  if (outcome && outcome.switched.length + outcome.skipped.length > 0)
    logger.warn('fallback from an MNO in outage', { mno: outcome.mno, switched: outcome.switched.length, skipped: outcome.skipped });
  return outcome;
});
