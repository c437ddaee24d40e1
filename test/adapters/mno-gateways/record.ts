/**
 * Re-records the CMP fixtures the adapter specs replay (fixtures/<style>.<scenario>.json).
 *
 *   npx tsx test/adapters/mno-gateways/record.ts [style-or-scenario-filter]
 *
 * For each scenario it starts a fresh simulated CMP (infra/local/mno-simulators), puts a recording
 * proxy in front of it and drives the real adapter through the proxy. The adapter holds the fake
 * credentials of inputs.ts; the proxy swaps them for the simulator's random ones on the way in,
 * and each access token the simulator issues for `fake-access-token-<n>` on the way out (and
 * back on the way in), so no secret the simulator made up reaches a fixture (checked on write).
 * Review the diff of fixtures/ after re-recording: the specs assert what the recordings say.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { asyncJobsGateway } from '../../../adapters/mno-gateways/async-jobs.ts';
import { legacyRateLimitedGateway } from '../../../adapters/mno-gateways/legacy-ratelimited.ts';
import { restOauth2Gateway } from '../../../adapters/mno-gateways/rest-oauth2.ts';
import type { MnoGateway } from '../../../application/ports/mno-gateway.ts';
import { FaultState } from '../../../infra/local/mno-simulators/faults.ts';
import { startMnoSimulator, type MnoApiStyle, type MnoSimulator, type MnoSimulatorOptions } from '../../../infra/local/mno-simulators/index.ts';
import { BAD_PROFILE_ID, CREDENTIALS, ICCID, MNO, POLICY, PROFILE_ID, SMALL_POLICY, UNKNOWN_ICCID, WRONG_CREDENTIALS } from './inputs.ts';
import { CHECKED_REQUEST_HEADERS, KEPT_RESPONSE_HEADERS, pickHeaders, readText, recordedBody, type Exchange, type RecordedRequest, type RecordedResponse } from './replay-server.ts';

const ADAPTERS = { 'rest-oauth2': restOauth2Gateway, 'async-jobs': asyncJobsGateway, 'legacy-ratelimited': legacyRateLimitedGateway };
const basic = (user = '', password = '') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Header values of the fake credentials → the simulator's. */
const credentialSwaps = (fake: Record<string, string>, real: Record<string, string>) =>
  new Map([
    [basic(fake.clientId, fake.clientSecret), basic(real.clientId, real.clientSecret)],
    [basic(fake.username, fake.password), basic(real.username, real.password)],
    [fake.apiKey ?? '-', real.apiKey ?? '-'],
  ]);

/** A proxy on 127.0.0.1 that forwards to `route(path)` and records each exchange, fake secrets only. */
const recordingProxy = async (style: MnoApiStyle, initial: MnoSimulator) => {
  let route = (_path: string) => initial;
  const exchanges: Exchange[] = [];
  const tokens = new Map<string, string>(); // fake → real
  const server = createServer(async (req, res) => {
    const request: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: pickHeaders(req.headers, CHECKED_REQUEST_HEADERS), ...recordedBody(await readText(req)) };
    const upstream = route(request.path);
    const swaps = credentialSwaps(CREDENTIALS[style], upstream.credentials);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => {
        const bearer = /^Bearer (.+)$/.exec(value)?.[1];
        return [name, bearer !== undefined ? `Bearer ${tokens.get(bearer) ?? bearer}` : (swaps.get(value) ?? value)];
      }),
    );
    const body = request.body === undefined ? undefined : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    let response: RecordedResponse;
    try {
      const answer = await fetch(upstream.url + request.path, { method: request.method, headers, body });
      const recorded = recordedBody(await answer.text());
      const issued = (recorded.body as { access_token?: unknown } | undefined)?.access_token;
      if (typeof issued === 'string') {
        const fake = `fake-access-token-${tokens.size + 1}`;
        tokens.set(fake, issued);
        (recorded.body as { access_token: string }).access_token = fake;
      }
      response = { status: answer.status, headers: pickHeaders(answer.headers, KEPT_RESPONSE_HEADERS), ...recorded };
    } catch {
      response = { dropped: true };
    }
    exchanges.push({ request, response });
    if ('dropped' in response) return void req.socket.destroy();
    res.writeHead(response.status, response.headers);
    res.end(response.body === undefined ? undefined : typeof response.body === 'string' ? response.body : JSON.stringify(response.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    exchanges,
    realTokens: () => [...tokens.values()],
    routeTo: (next: (path: string) => MnoSimulator) => void (route = next),
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))),
  };
};

interface Context {
  sim: MnoSimulator;
  /** The adapter under record, through the proxy, with the fake credentials. */
  gateway: MnoGateway;
  /** The adapter with credentials the CMP does not know, through the proxy. */
  wrong: MnoGateway;
  /** The adapter straight to the simulator, for setting a scene unrecorded. */
  direct: MnoGateway;
  /** Starts another simulator of the same style (stopped at the end). */
  another(options?: Partial<MnoSimulatorOptions>): Promise<MnoSimulator>;
  routeTo(route: (path: string) => MnoSimulator): void;
}

/** Prints what one adapter call gave, for the person recording. */
const step = async (label: string, call: Promise<unknown>) => {
  try {
    console.log(`    ${label} → ${JSON.stringify(await call)}`);
  } catch (error) {
    console.log(`    ${label} ✗ ${(error as Error).name}: ${(error as Error).message}`);
  }
};

const untilJobEnds = async (gateway: MnoGateway, jobId: string) => {
  while ((await gateway.jobStatus(jobId)) === 'pending');
};

const record = async (style: MnoApiStyle, scenario: string, description: string, drive: (c: Context) => Promise<void>, options: Partial<MnoSimulatorOptions> = {}) => {
  const filter = process.argv[2];
  if (filter && !`${style}.${scenario}`.includes(filter)) return;
  console.log(`${style}.${scenario}`);
  const started: MnoSimulator[] = [];
  const another = async (more: Partial<MnoSimulatorOptions> = {}) => {
    const sim = await startMnoSimulator({ id: MNO, style, ratePerSecond: 1000, ...options, ...more });
    started.push(sim);
    return sim;
  };
  const sim = await another();
  const proxy = await recordingProxy(style, sim);
  const adapter = ADAPTERS[style];
  try {
    await drive({
      sim,
      gateway: adapter(MNO, proxy.url, CREDENTIALS[style]),
      wrong: adapter(MNO, proxy.url, WRONG_CREDENTIALS[style]),
      direct: adapter(MNO, sim.url, sim.credentials),
      another,
      routeTo: proxy.routeTo,
    });
  } finally {
    await proxy.close();
    await Promise.all(started.map((s) => s.stop()));
  }
  const text = `${JSON.stringify({ style, scenario, description, exchanges: proxy.exchanges }, null, 2)}\n`;
  const real = started.flatMap(({ credentials: c }) => [...Object.values(c), ...credentialSwaps({}, c).values()].filter((v) => v.length > 8));
  for (const secret of [...real, ...proxy.realTokens()]) if (text.includes(secret)) throw new Error(`${style}.${scenario}: a real secret would be written`);
  writeFileSync(new URL(`./fixtures/${style}.${scenario}.json`, import.meta.url), text);
};

/** A seed under which errorRate 0.5 lets the next call through and then fails the job it finishes. */
const seedFailingTheJobOnly = () => {
  for (let seed = 1; ; seed++) {
    const faults = new FaultState({ errorRate: 0.5, seed });
    if (faults.judge() === undefined && faults.unlucky()) return seed;
  }
};

/** Scenarios every CMP style records alike (what differs is in their descriptions and the wire). */
const applyPolicyOnce = async ({ gateway }: Context) => {
  await step('applyPolicy', gateway.applyPolicy(PROFILE_ID, POLICY));
};
const readPolicyBack = async ({ gateway, direct }: Context) => {
  await direct.applyPolicy(PROFILE_ID, POLICY);
  await step('readPolicy', gateway.readPolicy(PROFILE_ID));
  await step('readPolicy unknown', gateway.readPolicy('acme.unknown'));
};
const simStatesSetAndRead = async ({ gateway }: Context) => {
  for (const state of ['active', 'suspended', 'terminated'] as const) {
    await step(`setSimState ${state}`, gateway.setSimState(ICCID, state));
    await step('readSimState', gateway.readSimState(ICCID));
  }
  await step('readSimState unknown', gateway.readSimState(UNKNOWN_ICCID));
};
const refusals = async ({ gateway, direct, sim }: Context) => {
  await step('applyPolicy bad id', gateway.applyPolicy(BAD_PROFILE_ID, SMALL_POLICY));
  sim.setFaults({ reject: true });
  await step('applyPolicy rejected', gateway.applyPolicy(PROFILE_ID, SMALL_POLICY));
  sim.setFaults({});
  await direct.setSimState(ICCID, 'terminated');
  await step('setSimState active', gateway.setSimState(ICCID, 'active'));
};
const unknownCredentials = async ({ wrong }: Context) => {
  await step('readSimState', wrong.readSimState(ICCID));
};
const droppedConnection = async ({ gateway, sim }: Context) => {
  sim.setFaults({ outage: true });
  await step('setSimState', gateway.setSimState(ICCID, 'suspended'));
};

const REST = 'rest-oauth2';
await record(REST, 'apply-policy', 'A token, then the whole policy PUT as a camelCase profile.', applyPolicyOnce);
await record(REST, 'read-policy', 'A token, reused for reading a stored profile back and for a profile the CMP does not have (404).', readPolicyBack);
await record(REST, 'sim-state', 'Each SIM state set and read back (ACTIVE, SUSPENDED, DEACTIVATED), then a SIM the CMP does not have.', simStatesSetAndRead);
await record(
  REST,
  'token-expiry',
  'Tokens that live 31 s: the adapter keeps one until 30 s before it expires, so a call 1 s later fetches a new one.',
  async ({ gateway }) => {
    await step('readSimState', gateway.readSimState(UNKNOWN_ICCID));
    await sleep(1100);
    await step('readSimState 1.1 s later', gateway.readSimState(UNKNOWN_ICCID));
  },
  { tokenTtlSeconds: 31 },
);
await record(REST, 'token-rejected', 'The CMP restarted between two calls and forgot its tokens: the kept token is refused (401), a new one is fetched, the call repeated.', async (c) => {
  await step('readSimState', c.gateway.readSimState(UNKNOWN_ICCID));
  const restarted = await c.another();
  c.routeTo(() => restarted);
  await step('readSimState after the restart', c.gateway.readSimState(UNKNOWN_ICCID));
});
await record(REST, 'token-rejected-twice', 'Tokens from one CMP instance, API calls to another that knows none: every call is refused (401).', async (c) => {
  const issuer = await c.another();
  c.routeTo((path) => (path === '/oauth2/token' ? issuer : c.sim));
  await step('setSimState', c.gateway.setSimState(ICCID, 'active'));
});
await record(REST, 'wrong-credentials', 'The token endpoint refuses client credentials it does not know (401 invalid_client).', unknownCredentials);
await record(REST, 'refused', 'The CMP refuses: a profile id it cannot take (400), a policy the network rejects (422), a deactivated SIM reactivated (409).', refusals);
await record(REST, 'unavailable', 'A 503 on the token request, asked again after a pause and answered; then an API call the CMP answers 503 three times in a row (the adapter asks twice again, then gives up).', async ({ gateway, sim }) => {
  sim.setFaults({ failFirst: 1 });
  await step('readSimState', gateway.readSimState(UNKNOWN_ICCID));
  sim.setFaults({ failFirst: 3 });
  await step('applyPolicy', gateway.applyPolicy(PROFILE_ID, SMALL_POLICY));
});
await record(REST, 'throttled', 'A good call, then the CMP throttles (429, Retry-After: 1).', async ({ gateway, sim }) => {
  await step('readSimState', gateway.readSimState(UNKNOWN_ICCID));
  sim.setFaults({ throttle: true });
  await step('applyPolicy', gateway.applyPolicy(PROFILE_ID, SMALL_POLICY));
});
await record(REST, 'outage', 'A good call, then the CMP drops the connection without answering.', async ({ gateway, sim }) => {
  await step('readSimState', gateway.readSimState(UNKNOWN_ICCID));
  sim.setFaults({ outage: true });
  await step('setSimState', gateway.setSimState(ICCID, 'suspended'));
});

const JOBS = 'async-jobs';
await record(JOBS, 'apply-policy', 'The policy submitted as a policy.apply job (202 + jobId), polled QUEUED, RUNNING, DONE.', async ({ gateway }) => {
  const submitted = await gateway.applyPolicy(PROFILE_ID, POLICY);
  console.log(`    applyPolicy → ${JSON.stringify(submitted)}`);
  if (!submitted.done) for (let i = 0; i < 3; i++) await step('jobStatus', gateway.jobStatus(submitted.jobId));
});
await record(JOBS, 'read-policy', 'A stored profile read back (snake_case spec), then a profile the CMP does not have (404).', async ({ gateway, direct }) => {
  const submitted = await direct.applyPolicy(PROFILE_ID, POLICY);
  if (!submitted.done) await untilJobEnds(direct, submitted.jobId);
  await step('readPolicy', gateway.readPolicy(PROFILE_ID));
  await step('readPolicy unknown', gateway.readPolicy('acme.unknown'));
});
await record(
  JOBS,
  'sim-state',
  'Each SIM state submitted as a sim.state job, polled to DONE and read back, then a SIM the CMP does not have.',
  async ({ gateway }) => {
    for (const state of ['active', 'suspended', 'terminated'] as const) {
      const submitted = await gateway.setSimState(ICCID, state);
      if (!submitted.done) await step(`setSimState ${state}, jobStatus`, gateway.jobStatus(submitted.jobId));
      await step('readSimState', gateway.readSimState(ICCID));
    }
    await step('readSimState unknown', gateway.readSimState(UNKNOWN_ICCID));
  },
  { pollsToComplete: 1 },
);
await record(
  JOBS,
  'job-failed-retryable',
  'A job the network did not confirm: FAILED, NETWORK_TIMEOUT, retryable.',
  async ({ gateway, sim }) => {
    const submitted = await gateway.setSimState(ICCID, 'active');
    sim.setFaults({ errorRate: 0.5, seed: seedFailingTheJobOnly() });
    if (!submitted.done) await step('jobStatus', gateway.jobStatus(submitted.jobId));
  },
  { pollsToComplete: 1 },
);
await record(
  JOBS,
  'job-failed-permanent',
  'A policy job the network refused (FAILED, POLICY_REJECTED, not retryable), then a job the CMP does not know (404).',
  async ({ gateway, sim }) => {
    sim.setFaults({ reject: true });
    const submitted = await gateway.applyPolicy(PROFILE_ID, SMALL_POLICY);
    if (!submitted.done) await step('jobStatus', gateway.jobStatus(submitted.jobId));
    await step('jobStatus unknown', gateway.jobStatus('00000000-0000-4000-8000-000000000000'));
  },
  { pollsToComplete: 1 },
);
await record(JOBS, 'wrong-credentials', 'An API key the CMP does not know (401).', async ({ wrong }) => {
  await step('setSimState', wrong.setSimState(ICCID, 'active'));
});
await record(JOBS, 'refused', 'A job the CMP refuses to take: a target that is no profile id (400 INVALID_REQUEST).', async ({ gateway }) => {
  await step('applyPolicy bad id', gateway.applyPolicy(BAD_PROFILE_ID, SMALL_POLICY));
});
await record(JOBS, 'unavailable', 'A 503 on submitting, asked again after a pause and taken; a poll the CMP answers 503 three times in a row (given up), then a poll.', async ({ gateway, sim }) => {
  sim.setFaults({ failFirst: 1 });
  const submitted = await gateway.applyPolicy(PROFILE_ID, SMALL_POLICY);
  sim.setFaults({ failFirst: 3 });
  if (!submitted.done) {
    await step('jobStatus', gateway.jobStatus(submitted.jobId));
    await step('jobStatus', gateway.jobStatus(submitted.jobId));
  }
});
await record(JOBS, 'throttled', 'The CMP throttles (429, Retry-After: 1).', async ({ gateway, sim }) => {
  sim.setFaults({ throttle: true });
  await step('readSimState', gateway.readSimState(ICCID));
});
await record(JOBS, 'outage', 'The CMP drops the connection without answering.', droppedConnection);

const LEGACY = 'legacy-ratelimited';
await record(LEGACY, 'apply-policy', 'The policy as ServiceProfile.set: UPPER_SNAKE string fields over HTTP Basic.', applyPolicyOnce);
await record(LEGACY, 'read-policy', 'ServiceProfile.get of a stored profile, then of one the CMP does not have (RESULT ERR, CODE E404, in a 200).', readPolicyBack);
await record(LEGACY, 'sim-state', 'Subscriber.setStatus A, S, T each read back with Subscriber.get, then a subscriber the CMP does not have.', simStatesSetAndRead);
await record(LEGACY, 'wrong-credentials', 'Basic credentials the CMP does not know (HTTP 401, CODE E401).', unknownCredentials);
await record(LEGACY, 'refused', 'Errors inside a 200: a profile id it cannot take (E400), a profile the network refuses (E400), a terminated subscriber reactivated (E409).', refusals);
await record(LEGACY, 'busy', 'The CMP is busy (RESULT ERR, CODE BUSY, in a 200), then takes the same call.', async ({ gateway, sim }) => {
  sim.setFaults({ failFirst: 1 });
  await step('setSimState', gateway.setSimState(ICCID, 'suspended'));
  await step('setSimState', gateway.setSimState(ICCID, 'suspended'));
});
await record(
  LEGACY,
  'rate-limited',
  'One call a second allowed: the second call at once is refused (HTTP 429, CODE RATE_LIMIT, Retry-After).',
  async ({ gateway }) => {
    await step('readSimState', gateway.readSimState(UNKNOWN_ICCID));
    await step('readSimState', gateway.readSimState(UNKNOWN_ICCID));
  },
  { ratePerSecond: 1 },
);
await record(LEGACY, 'outage', 'The CMP drops the connection without answering.', droppedConnection);
