import { BusEvent } from '../../application/bus-events.ts';
import { catchUpAfter } from '../../application/cascades/catch-up.ts';
import { logger } from '../../adapters/observability/logger.ts';
import { enterprisesUsing, publishedPolicies, simsOn } from '../../adapters/read-models/queries.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { adapters, config, dynamodb } from '../lambda/wiring.ts';

/**
 * Rule `catch-up`: an MNO that became available, or that an enterprise newly chose (or whose
 * enterprise was reinstated), gets the current policies and SIM states it was not given
 * (application/cascades/catch-up.ts).
 */
export const handler = lambdaHandler(BusEvent, async (event) => {
  const caughtUp = await catchUpAfter(
    {
      store: adapters.eventStore,
      region: config.region,
      now: () => Date.now(),
      tenantsUsing: (mno) => enterprisesUsing(dynamodb, config.readModelsTable, mno),
      policiesOf: (tenant) => publishedPolicies(dynamodb, config.readModelsTable, tenant),
      simsOn: (tenant, mno) => simsOn(dynamodb, config.readModelsTable, tenant, mno),
    },
    event,
  );
  if (caughtUp.length > 0) logger.info('catch-up cascades', { event: event['detail-type'], cascades: caughtUp.map(({ tenant, mno, cascadeId, how }) => ({ tenant, mno, cascadeId, how })) });
  return caughtUp;
});
