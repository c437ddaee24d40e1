import { watchLaunchers } from './launchers.ts';
import { dataDirFromEnv, startRuntime, type Runtime } from './runtime.ts';
import { startRegions } from './regions/start-regions.ts';

/**
 * `npm start [-- --in-memory]`: the whole system on this machine until Ctrl-C, SIGTERM or SIGHUP,
 * to this process or to npm (launchers.ts), which stop everything it started, DynamoDB Local
 * included. A second start on the same data folder exits at once (runtime.lock).
 */
const inMemory = process.argv.includes('--in-memory');
const regionsArg = process.argv.indexOf('--regions');
const regionCount = regionsArg >= 0 ? Number(process.argv[regionsArg + 1]) : 1;
if (regionCount !== 1 && regionCount !== 2) {
  console.error('switchboard: --regions takes 1 or 2');
  process.exit(2);
}
// Two regions share the event store as cdk.json's `consistency` says, unless told otherwise.
const consistencyArg = process.argv.indexOf('--consistency');
const consistency = consistencyArg >= 0 ? process.argv[consistencyArg + 1] : undefined;
if (consistency !== undefined && consistency !== 'strong' && consistency !== 'eventual') {
  console.error('switchboard: --consistency takes strong or eventual');
  process.exit(2);
}
const port = Number(process.env.PORT ?? 3000);
const dataDir = dataDirFromEnv();
// Whatever this process and its children (DynamoDB Local) create is its user's alone.
process.umask(0o077);
// A closed terminal must not turn the goodbye into an uncaught EIO/EPIPE.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

let runtime: Runtime | undefined;
let stopping: string | undefined;
const stop = async (why: string) => {
  if (stopping) return;
  stopping = why;
  if (!runtime) return; // still starting: stopped as soon as it has started
  console.log(`\nswitchboard: ${why}, stopping`);
  // A stop that hangs must not keep DynamoDB Local running.
  setTimeout(() => {
    console.error('switchboard: still stopping after 15 s: killing DynamoDB Local and exiting');
    runtime?.kill();
    process.exit(1);
  }, 15_000).unref();
  try {
    await runtime.stop();
  } catch (error) {
    // Whatever failed, DynamoDB Local must not outlive this process.
    console.error(`switchboard: stopping failed (${(error as Error).message}): killing DynamoDB Local`);
    runtime.kill();
    process.exit(1);
  }
  process.exit(0);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
// Whatever takes this process down, DynamoDB Local (a process of its own) goes with it.
for (const event of ['uncaughtException', 'unhandledRejection'] as const)
  process.on(event, (error: unknown) => {
    console.error(`switchboard: ${event}: ${(error as Error)?.stack ?? String(error)}`);
    runtime?.kill();
    process.exit(1);
  });
watchLaunchers((why) => void stop(why));

if (regionCount === 2) {
  // Two regions (infra/local/regions/): the failover front on PORT, each region a process of its own.
  const regions = await startRegions({ dataDir, port, mode: consistency }).catch((error: Error) => {
    console.error(`switchboard: could not start: ${error.message}`);
    process.exit(1);
  });
  runtime = { stop: regions.stop, kill: regions.kill } as unknown as Runtime;
  if (stopping) {
    const why = stopping;
    stopping = undefined;
    await stop(why);
  }
  const [first, second] = Object.keys(regions.regions);
  console.log(`Switchboard is running in two regions behind the failover front ${regions.url} (${regions.mode} consistency${regions.mode === 'eventual' ? ': each region its own store, replicated ~1 s behind' : ': one event store'})
  ${Object.entries(regions.regions).map(([name, r]) => `${name}: ${r.api}`).join('\n  ')}
  every endpoint: ${dataDir}/endpoints.json; the same token commands as with one region
  ops console (read-only, through the front): ${regions.endpoints.console}
  where traffic goes:   curl -s ${regions.url}/_sim/front
  fail a region:        curl -s -X POST ${regions.url}/_sim/regions/${first}/fail      (its processes stop where they stand)
  recover it:           curl -s -X POST ${regions.url}/_sim/regions/${first}/recover   (it rejoins as standby)
  make it primary:      curl -s -X POST ${regions.url}/_sim/regions/${first}/primary   (traffic fails back only when told)
  The simulated devices and MNO traffic reach Switchboard through the front. ${second} takes publishing over within 30 s of a failure.

Ctrl-C stops everything.`);
  await new Promise(() => undefined);
}

runtime = await startRuntime({ port, dataDir, inMemory }).catch((error: Error) => {
  console.error(`switchboard: could not start: ${error.message}`);
  process.exit(1);
});
if (stopping) {
  const why = stopping;
  stopping = undefined;
  await stop(why);
}

const url = runtime.url;
// Token commands must mint with this runtime's issuer key: name its data dir when it is not the default.
const env = process.env.SWITCHBOARD_DATA_DIR ? `SWITCHBOARD_DATA_DIR=${process.env.SWITCHBOARD_DATA_DIR} ` : '';
const mnos = [...runtime.simulators.values()].map((m) => `${m.id} (${m.style}) ${m.url}`).join('\n    ');
const auth = (token: string) => `-H "authorization: Bearer $${token}" -H 'content-type: application/json'`;
console.log(`Switchboard is running at ${url}
  DynamoDB Local ${runtime.dynamodbEndpoint} (${inMemory ? 'in memory' : `data in ${dataDir}`})
  Step Functions (local) ${runtime.cascades.endpoint}
  every local endpoint (API, DynamoDB, Step Functions, EventBridge, CloudWatch Logs, the MNOs): ${dataDir}/endpoints.json
  simulated MNOs, registered and verified (same ports after a restart):
    ${mnos}
  tokens: ${env}npm run -s token -- --tenant <id> --scope "<scopes>" [--sub <user>] [--ttl <seconds>]
  ops console (read-only, in a browser): ${runtime.console.url}
    paste a token from: ${env}npm run -s token -- --tenant acme --scope "mnos:read policies:read sims:read alerts:read audit:read" --sub operator
  the API's OpenAPI 3.1 document: ${url}/v1/openapi.json

Try it (in another terminal, same folder):
  ADMIN=$(${env}npm run -s token -- --scope platform:admin --sub ops)
  curl -s -X POST ${url}/v1/enterprises ${auth('ADMIN')} -d '{"tenantId":"acme","name":"Acme Logistics"}'
  TOKEN=$(${env}npm run -s token -- --tenant acme --scope "sims:write sims:read audit:read policies:write policies:read mnos:read alerts:read alerts:write" --sub alice)
  curl -s -X PUT ${url}/v1/enterprise/mnos ${auth('TOKEN')} -d '{"mnos":["northwind-de","orbital-fr","meridian-es","southgate-gb","eastline-pl"]}'
  curl -s -X POST ${url}/v1/sims ${auth('TOKEN')} \\
    -d '{"eid":"89049032000000000000000000000163","profiles":[{"iccid":"8944123456789012348","mno":"northwind-de","imsi":"262911234567890"}]}'
  curl -s -X POST ${url}/v1/sims/89049032000000000000000000000163/activate -H "authorization: Bearer $TOKEN"
  curl -s -X PUT ${url}/v1/policies/fleet ${auth('TOKEN')} -d '{"data":{"apns":["iot.acme"]},"sms":{"mo":["+4915112345678"]},"roaming":{"countries":["DE","FR"]},"imeiLock":true}'
  curl -s -X POST ${url}/v1/policies/fleet/publish -H "authorization: Bearer $TOKEN"      # → { version, cascadeId }
  curl -s ${url}/v1/cascades/<cascadeId> -H "authorization: Bearer $TOKEN"               # watch it reach every MNO
  curl -s "${url}/v1/policies/fleet/versions/1/effective?mno=meridian-es" -H "authorization: Bearer $TOKEN"   # names sms.mo as unenforceable there
  Break an MNO: curl -s -X PUT <its url>/_sim/faults -d '{"reject":true}'   (then publish a change, and redrive)
  Switch a SIM's profile (its simulated device runs it): curl -s -X POST ${url}/v1/sims/<eid>/profiles/<iccid>/enable -H "authorization: Bearer $TOKEN"
  Take a device offline: curl -s -X PUT ${runtime.devices.url}/_sim/devices/<eid> -d '{"online":false}'
  Watch executions: npm run ops -- executions --watch    (or: aws stepfunctions list-executions --endpoint-url ${runtime.cascades.endpoint} ...)

Ctrl-C stops everything.`);
