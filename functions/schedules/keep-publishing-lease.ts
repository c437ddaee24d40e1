import * as z from '../../domain/zod-mini.ts';
import { logger } from '../../adapters/observability/logger.ts';
import type { LeaseStep } from '../../application/lease/publisher.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { stepLease } from '../lambda/publisher-wiring.ts';
import { config, env } from '../lambda/wiring.ts';

const Tick = z.looseObject({ id: z.optional(z.string()) });

/**
 * Schedule `keep-publishing-lease`, in every region: steps the publishing lease
 * (application/lease/publisher.ts) every LEASE_KEEPER_STEP_MS for LEASE_KEEPER_RUN_MS (one step when
 * 0): renewed where it is held, taken over (and what the lost region may not have published,
 * published again) where it lapsed, left alone where another region holds it.
 */
export const handler = lambdaHandler(Tick, async () => {
  const until = Date.now() + env.LEASE_KEEPER_RUN_MS;
  let last: LeaseStep | undefined;
  let failed = 0;
  for (;;) {
    // One step failing (a throttled read, a replay the bus refused) does not end the run: the lease must not lapse for it.
    try {
      last = await stepLease();
      if (last.did === 'took') logger.warn('publishing lease taken over', { region: config.region, token: last.status.holder ? last.status.token : undefined, republished: last.republished });
      else if (last.did === 'unable') logger.error('publishing lease not renewed: this region’s bus does not answer', { region: config.region });
      else if (last.republished !== undefined) logger.warn('publishing lease: replay repeated', { republished: last.republished });
    } catch (error) {
      failed++;
      logger.error('publishing lease step failed', { error: (error as Error).name });
    }
    if (Date.now() + env.LEASE_KEEPER_STEP_MS > until) break;
    await new Promise((ok) => setTimeout(ok, env.LEASE_KEEPER_STEP_MS));
  }
  if (!last) throw new Error(`every step of the publishing lease failed (${failed})`);
  return { did: last.did, holder: last.status.holder, failed };
});
