import * as z from '../../domain/zod-mini.ts';
import { logger } from '../../adapters/observability/logger.ts';
import { probeMnos } from '../../application/probe-mnos.ts';
import { readEnvironment } from '../../manifest/environment.ts';
import { cascadePorts } from '../lambda/cascade-wiring.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { wherePublishing } from '../lambda/lease-wiring.ts';

const Tick = z.looseObject({ id: z.optional(z.string()) });

/** Every minute (schedule `probe-mnos`): each verified MNO's CMP probed; failing for MNO_PROBE_FAIL_AFTER_MS declares its outage (application/probe-mnos.ts); only in the region holding the publishing lease. */
export const handler = lambdaHandler(Tick, wherePublishing(async (_lease) => {
  const { results, errors } = await probeMnos({
    store: cascadePorts.store,
    gateway: cascadePorts.gateway,
    admit: cascadePorts.admit,
    region: cascadePorts.region,
    nowMs: Date.now,
    // Read on each run: an operator (or a test) may change it without a cold start.
    failAfterMs: readEnvironment().MNO_PROBE_FAIL_AFTER_MS,
  });
  const failing = results.filter((r) => !r.ok).map((r) => r.mno);
  if (failing.length > 0) logger.warn('MNOs failing the health probe', { failing });
  if (errors.length > 0) logger.warn('MNOs not probed this time', { errors });
  return { results, errors };
}));
