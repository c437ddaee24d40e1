import { BusEvent } from '../../application/bus-events.ts';
import { fallBack } from '../../application/sims/fallback.ts';
import { logger } from '../../adapters/observability/logger.ts';
import { enterprisesUsing, listBulkOperations } from '../../adapters/read-models/queries.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { adapters, config, dynamodb } from '../lambda/wiring.ts';

/** Rule `fallback`: an MNO in outage, or recovered; its enterprises' SIMs move away, or back, by bulk operations (application/sims/fallback.ts). */
export const handler = lambdaHandler(BusEvent, async (event) => {
  const outcome = await fallBack(
    {
      store: adapters.eventStore,
      region: config.region,
      tenantsUsing: (mno) => enterprisesUsing(dynamodb, config.readModelsTable, mno),
      recentOperationsBy: async (tenant, actor) =>
        (await listBulkOperations(dynamodb, config.readModelsTable, tenant, { limit: 50 })).items.filter((o) => o.startedBy === actor).map((o) => o.id),
      nowMs: Date.now,
    },
    event,
  );
  if (outcome && outcome.operations.length > 0) logger.warn(`${event['detail-type']}: bulk operations started`, { mno: outcome.mno, operations: outcome.operations });
  return outcome;
});
