import * as z from '../../domain/zod-mini.ts';
import { logger } from '../../adapters/observability/logger.ts';
import { pollMno } from '../../application/signals/poll.ts';
import { admitPatiently, listedMnoIds, loadMno } from '../../application/mnos.ts';
import { unavailableReason } from '../../domain/mno/decider.ts';
import { cascadePorts } from '../lambda/cascade-wiring.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { wherePublishing } from '../lambda/lease-wiring.ts';
import { cmpPullOf, pullPorts } from '../lambda/pull-wiring.ts';

const Tick = z.looseObject({ id: z.optional(z.string()) });

/**
 * Every minute (schedule `poll-signals`): each available MNO that delivers its records by pull has
 * its CMP polled from its watermark (application/signals/poll.ts), each call taken from its rate
 * budget; what is new is queued for the signal consumer.
 * Only in the region holding the publishing lease; the other stands by.
 */
export const handler = lambdaHandler(Tick, wherePublishing(async (_lease, _tick, context) => {
  // Devices are started while a tenth of the function's time is left (locally, no deadline but a minute's).
  const deadline = Date.now() + Math.max(5_000, (context.getRemainingTimeInMillis?.() ?? 60_000) * 0.75);
  const timeLeft = () => deadline - Date.now();
  const polls = [];
  const errors: { mno: string; error: string }[] = [];
  for (const id of await listedMnoIds(cascadePorts.store)) {
    const mno = await loadMno(cascadePorts.store, id);
    if (mno.status === 'unknown' || unavailableReason(mno) || mno.registration.api.signals !== 'pull') continue;
    try {
      polls.push(await pollMno(pullPorts(), await cmpPullOf(mno.registration, admitPatiently(() => cascadePorts.admit(mno.registration))), id, timeLeft));
    } catch (error) {
      errors.push({ mno: id, error: (error as Error).message });
    }
  }
  const failing = polls.filter((p) => p.failures.length > 0);
  if (failing.length > 0) logger.warn('devices not read this poll (read again next time)', { failing: failing.map((p) => ({ mno: p.mno, failures: p.failures.slice(0, 10) })) });
  if (errors.length > 0) logger.warn('MNOs not polled this time', { errors });
  return { polls: polls.map(({ mno, devices, unread, advanced }) => ({ mno, devices, unread, advanced })), errors };
}));
