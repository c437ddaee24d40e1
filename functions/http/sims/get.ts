import { z } from 'zod';
import { fold } from '../../../domain/decider.ts';
import { eventsOf } from '../../../domain/event-store.ts';
import { simDecider } from '../../../domain/sim/decider.ts';
import type { SimEvent } from '../../../domain/sim/events.ts';
import { eventStore } from '../../config.ts';
import { simStream } from '../../event-store/stream-ids.ts';
import { httpHandler } from '../http-handler.ts';
import { problem, validationProblem } from '../problem.ts';
import { eidParam } from '../request.ts';
import { etag, json } from '../responses.ts';
import { simView } from './representation.ts';

const At = z.iso.datetime({ offset: true });

/** GET /v1/sims/{eid}[?at=<RFC 3339>]: the SIM now, or as it was at a time. */
export const handler = httpHandler('GET /v1/sims/{eid}', async (request) => {
  const eid = eidParam(request);
  const at = request.queryStringParameters?.at;
  const valid = at === undefined ? undefined : At.safeParse(at);
  if (valid?.error) throw validationProblem(valid.error, '/query/at');
  const { head, commits } = await eventStore.load(simStream(request.caller.tenant, eid), at === undefined ? {} : { at });
  const view = simView(fold(simDecider, simDecider.initialState, eventsOf(commits) as SimEvent[]), head.version);
  if (!view) throw problem(404, 'sim-not-found', 'SIM not found');
  return json(200, view, { etag: etag(head.version) });
});
