import type { Runtime } from '../infra/local/runtime.ts';
import { expectAnswer, type HttpClient } from './command-http.ts';
import { invokeExpecting, type InProcessCaller } from './command-in-process.ts';
import { eid, iccid, imsi } from '../test/support/ids.ts';
import { forEachConcurrently } from './measure.ts';
import { SEED_COMMITS } from './stream-pool.ts';

/**
 * Onboards the benchmark's tenant over HTTP, choosing the two MNOs its SIMs' profiles are with
 * (SIM profiles are limited to the enterprise's MNOs), and returns a token of one of its users.
 */
export const onboardTenant = async (runtime: Runtime, client: HttpClient, tenant: string, mnos: SimMnos) => {
  const admin = await runtime.issuer.sign({ subject: 'bench-ops', scopes: ['platform:admin'] });
  const answer = await client.send('POST', '/v1/enterprises', admin, { tenantId: tenant, name: 'Bench Logistics' });
  expectAnswer('onboard tenant', answer, 201);
  const policyAdmin = await runtime.issuer.sign({ subject: 'bench-admin', tenant, scopes: ['policies:write'] });
  expectAnswer('choose MNOs', await client.send('PUT', '/v1/enterprise/mnos', policyAdmin, { mnos }), 200);
  return runtime.issuer.sign({ subject: 'bench-user', tenant, scopes: ['sims:write', 'sims:read'] });
};

/** The MNOs of a benchmark SIM's two profiles: the primary, and the fallback. */
export type SimMnos = readonly [string, string];

if (SEED_COMMITS % 2 !== 0 || SEED_COMMITS < 2) throw new Error('SEED_COMMITS must be even so that seeded SIMs end active');

/**
 * SIMs for the benchmark, numbered first … first+count-1: each registered over HTTP (EID claim +
 * SimRegistered, two profiles), then activated and taken through suspend/resume by the in-process
 * handlers until its stream holds SEED_COMMITS commits, ending active.
 */
export const seedSims = async (
  client: HttpClient,
  token: string,
  call: InProcessCaller,
  mnos: SimMnos,
  first: number,
  count: number,
  concurrency = 8,
): Promise<string[]> => {
  const numbers = Array.from({ length: count }, (_, i) => first + i);
  await forEachConcurrently(numbers, concurrency, async (n) => {
    const profiles = [
      { iccid: iccid(2 * n), mno: mnos[0], imsi: imsi(2 * n) },
      { iccid: iccid(2 * n + 1), mno: mnos[1], imsi: imsi(2 * n + 1), fallback: true },
    ];
    const registered = await client.send('POST', '/v1/sims', token, { eid: eid(n), profiles });
    expectAnswer(`register SIM ${n}`, registered, 201, '"1"');
    await invokeExpecting(call, 'activate', eid(n), 2);
    for (let v = 3; v <= SEED_COMMITS; v++) await invokeExpecting(call, v % 2 === 1 ? 'suspend' : 'resume', eid(n), v);
  });
  return numbers.map(eid);
};
