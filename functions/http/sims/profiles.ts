import { eventsOf } from '../../../domain/event-store.ts';
import { requestProfileOrder } from '../../../application/sims/order-profile.ts';
import { queuePsmos } from '../../../application/sims/eim.ts';
import { simStream } from '../../../application/stream-ids.ts';
import { eimPackageView } from '../../../application/views/eim-packages.ts';
import { adapters } from '../../lambda/wiring.ts';
import { httpHandler, type HttpRequest } from '../http-handler.ts';
import { idempotentHandler } from '../idempotent-handler.ts';
import { problem } from '../problem.ts';
import { pathParam } from '../path-params.ts';
import { bodyOf, commandContext, eidParam } from '../request.ts';
import { json } from '../responses.ts';
import { EnableProfile, OrderProfile } from './requests.ts';
import type * as z from '../../../domain/zod-mini.ts';
import type { ProfileOrderAccepted, QueuedEimPackage } from '../../../application/views/sims.schema.ts';

const iccidParam = (request: HttpRequest) => pathParam(request, 'iccid');

/**
 * POST /v1/sims/{eid}/profiles/{iccid}/enable → 202: an eIM package (SGP.32 PSMO enable) queued
 * for the SIM's eUICC, which its device fetches when it next polls; follow it at its Location.
 * 409 `psmo-refused` when the eUICC would refuse it (the profile is the enabled one, not installed…).
 */
export const enable = idempotentHandler('POST /v1/sims/{eid}/profiles/{iccid}/enable', async (request) => {
  const eid = eidParam(request);
  const iccid = iccidParam(request);
  const { rollback } = bodyOf(request, EnableProfile, {});
  const { state } = await queuePsmos(adapters.eventStore, request.caller.tenant, eid, [{ op: 'enable', iccid, rollback }], commandContext(request));
  if (state.status === 'unregistered') throw problem(404, 'sim-not-found', 'SIM not found');
  const queued = state.eim.pending.at(-1)!;
  return json(202, { eid, counter: queued.counter, transactionId: queued.transactionId, status: 'queued', psmos: queued.psmos } satisfies z.output<typeof QueuedEimPackage>, { location: `/v1/sims/${eid}/eim-packages/${queued.counter}` });
});

/**
 * POST /v1/sims/{eid}/profiles `{ mno }` → 202: a profile ordered from that MNO's SM-DP+ (SGP.22
 * ES2+: DownloadOrder, ConfirmOrder with the EID, released); the device downloads it when the eIM
 * hands it the trigger, and the SM-DP+'s notifications move it `ordered` → `downloading` →
 * `disabled`. Follow it on the SIM (`profiles`, `orders`). 409 when the MNO cannot take work, has no
 * SM-DP+, the SIM holds a profile on it, or one is being ordered from it.
 */
export const order = idempotentHandler('POST /v1/sims/{eid}/profiles', async (request) => {
  const eid = eidParam(request);
  const { mno } = bodyOf(request, OrderProfile);
  const { state, head } = await requestProfileOrder(adapters.eventStore, request.caller.tenant, eid, mno, commandContext(request));
  if (state.status === 'unregistered') throw problem(404, 'sim-not-found', 'SIM not found');
  const placed = state.orders.orders.filter((o) => o.mno === mno).at(-1)!;
  return json(202, { orderId: placed.orderId, mno, status: placed.status, version: head.version } satisfies z.output<typeof ProfileOrderAccepted>, { location: `/v1/sims/${eid}` });
});

const counterParam = (request: HttpRequest) => pathParam(request, 'counter');

/** GET /v1/sims/{eid}/eim-packages/{counter}: one package, what it asked and what the eUICC did. */
export const eimPackage = httpHandler('GET /v1/sims/{eid}/eim-packages/{counter}', async (request) => {
  const eid = eidParam(request);
  const counter = counterParam(request);
  const { commits } = await adapters.eventStore.load(simStream(request.caller.tenant, eid));
  if (commits.length === 0) throw problem(404, 'sim-not-found', 'SIM not found');
  const view = eimPackageView(eventsOf(commits), counter);
  if (!view) throw problem(404, 'package-not-found', `no eIM package ${counter} for this SIM`);
  return json(200, view);
});
