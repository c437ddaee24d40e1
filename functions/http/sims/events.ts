import { adapters } from '../../lambda/wiring.ts';
import { simStream } from '../../../application/stream-ids.ts';
import { httpHandler } from '../http-handler.ts';
import { problem } from '../problem.ts';
import { eidParam } from '../request.ts';
import { json } from '../responses.ts';
import { SimEventsQuery } from './requests.ts';

const cursorAfter = (version: number) => Buffer.from(String(version)).toString('base64url');

/** GET /v1/sims/{eid}/events: the SIM's events, oldest first, a page of whole commits at a time. */
export const handler = httpHandler('GET /v1/sims/{eid}/events', async (request) => {
  const eid = eidParam(request);
  const { limit, cursor } = request.query;
  const { commits, more } = await adapters.eventStore.readCommits(simStream(request.caller.tenant, eid), { after: cursor, limit });
  if (commits.length === 0 && cursor === undefined) throw problem(404, 'sim-not-found', 'SIM not found');
  const items = commits.flatMap((c) =>
    c.events.map((e) => ({ id: e.id, version: e.version, type: e.type, time: c.metadata.time, actor: c.metadata.actor, correlationId: c.metadata.correlationId, data: e.data })),
  );
  const last = commits.at(-1);
  return json(200, { items, ...(more && last && { nextCursor: cursorAfter(last.version) }) });
}, SimEventsQuery);
