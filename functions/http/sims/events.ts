import * as z from '../../../domain/zod-mini.ts';
import { adapters } from '../../lambda/wiring.ts';
import { simStream } from '../../../application/stream-ids.ts';
import { httpHandler } from '../http-handler.ts';
import { CANONICAL_POSITIVE_INTEGER, positiveInteger } from '../integers.ts';
import { problem } from '../problem.ts';
import { eidParam } from '../request.ts';
import { json } from '../responses.ts';

const Query = z.object({
  limit: z._default(positiveInteger(100), 50),
  cursor: z.optional(
    z.pipe(
      z.pipe(
        z.string().check(z.regex(/^[A-Za-z0-9_-]{1,24}$/, 'not a cursor this API gave')),
        z.transform((c) => Buffer.from(c, 'base64url').toString()),
      ).check(z.refine((version) => CANONICAL_POSITIVE_INTEGER.test(version), 'not a cursor this API gave')),
      z.transform(Number),
    ),
  ),
});

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
}, Query);
