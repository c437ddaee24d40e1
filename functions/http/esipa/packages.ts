import type * as z from '../../../domain/zod-mini.ts';
import type { Recorded } from '../../../application/views/inbound.schema.ts';
import { SignatureRefused } from '../../../adapters/signing/jws.ts';
import { packageForDevice, recordResult } from '../../../application/sims/eim.ts';
import { adapters, config } from '../../lambda/wiring.ts';
import { activationCodes, eimPorts } from '../../lambda/eim-wiring.ts';
import { httpHandler } from '../http-handler.ts';
import { problem } from '../problem.ts';
import { bodyOf, eidParam } from '../request.ts';
import { json } from '../responses.ts';
import { NextPackageRequest, PackageResult } from './requests.ts';

/** A signature that does not hold is a 401 saying only that (no detail that helps a forger). */
const verified = async <T>(work: () => Promise<T>) => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SignatureRefused) throw problem(401, 'signature-refused', 'the signature or the eUICC certificate does not hold');
    throw error;
  }
};

/**
 * POST /v1/esipa/{eid}/packages/next `{ request, certificate }` (ESipa GetEimPackage; no token: the
 * device proves itself with a fresh request its eUICC signed, under a certificate a trusted EUM
 * issued for that EID) → 200 `{ downloadTrigger }` (a profile ordered for it: its activation code,
 * signed by the eIM, for this device alone) or `{ package }` (the oldest unanswered package signed
 * by the eIM), or 204 when nothing waits. Never cached.
 */
export const next = httpHandler('POST /v1/esipa/{eid}/packages/next', async (request) => {
  const eid = eidParam(request);
  const body = bodyOf(request, NextPackageRequest);
  const waiting = await verified(() => packageForDevice(adapters.eventStore, eimPorts(), activationCodes(), eid, body.request, body.certificate, Date.now(), config.region));
  return waiting ? json(200, waiting, { 'cache-control': 'no-store' }) : { statusCode: 204, headers: { 'cache-control': 'no-store' } };
});

/**
 * POST /v1/esipa/{eid}/results `{ result, certificate }` (ESipa ProvideEimPackageResult): the
 * eUICC's signed result, recorded once its certificate and signature hold → 200 `{ recorded }`
 * (false when it was recorded before).
 */
export const results = httpHandler('POST /v1/esipa/{eid}/results', async (request) => {
  const eid = eidParam(request);
  const body = bodyOf(request, PackageResult);
  const { changed } = await verified(() => recordResult(adapters.eventStore, eimPorts(), eid, body.result, body.certificate, config.region));
  return json(200, { recorded: changed } satisfies z.output<typeof Recorded>);
});
