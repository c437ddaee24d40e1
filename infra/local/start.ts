import { dataDirFromEnv, startRuntime } from './runtime.ts';

/** `npm start [-- --in-memory]`: the whole system on this machine until Ctrl-C or SIGTERM. */
const inMemory = process.argv.includes('--in-memory');
const port = Number(process.env.PORT ?? 3000);
const dataDir = dataDirFromEnv();

const runtime = await startRuntime({ port, dataDir, inMemory }).catch((error: Error) => {
  console.error(`switchboard: could not start: ${error.message}`);
  process.exit(1);
});

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\nswitchboard: ${signal}, stopping`);
  await runtime.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const url = runtime.url;
console.log(`Switchboard is running at ${url}
  DynamoDB Local ${runtime.dynamodbEndpoint} (${inMemory ? 'in memory' : `data in ${dataDir}`})
  tokens: npm run -s token -- --tenant <id> --scope "<scopes>" [--sub <user>] [--ttl <seconds>]

Try it (in another terminal, same folder):
  ADMIN=$(npm run -s token -- --scope platform:admin --sub ops)
  curl -s -X POST ${url}/v1/enterprises -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \\
    -d '{"tenantId":"acme","name":"Acme Logistics"}'
  TOKEN=$(npm run -s token -- --tenant acme --scope "sims:write sims:read audit:read" --sub alice)
  curl -s -X POST ${url}/v1/sims -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"eid":"89049032000000000000000000000163","profiles":[{"iccid":"8944123456789012348","mno":"vodafone-de","imsi":"262021234567890"}]}'
  curl -s -X POST ${url}/v1/sims/89049032000000000000000000000163/activate -H "authorization: Bearer $TOKEN"
  curl -s ${url}/v1/sims/89049032000000000000000000000163/events -H "authorization: Bearer $TOKEN"

Ctrl-C stops everything.`);
