import { startRegionalRuntime, type RegionalRuntime } from '../regional-runtime.ts';
import { fileDeliveringMnos } from '../signals/network.ts';
import { DEFAULT_SIMULATED_MNOS } from '../simulated-mnos.ts';

/**
 * One region of `npm start -- --regions 2` (infra/local/regions/start-regions.ts), a process of its
 * own so that it can be failed as a region is (stopped where it stands, not shut down): its API,
 * workers, Step Functions engine, bus, webhooks, read models and idempotency records, over the
 * event store the regions share. The parent names it and its tables in the environment.
 */
const dataDir = process.env.SWITCHBOARD_REGION_DATA_DIR!;
const sharedDir = process.env.SWITCHBOARD_SHARED_DIR!;
process.umask(0o077);
/** Schedules run more often, by name (SWITCHBOARD_SCHEDULES_EVERY_MS, JSON; tests). */
const schedules = () => (process.env.SWITCHBOARD_SCHEDULES_EVERY_MS ? (JSON.parse(process.env.SWITCHBOARD_SCHEDULES_EVERY_MS) as Record<string, number>) : undefined);
let runtime: RegionalRuntime | undefined;
const stop = async () => {
  await runtime?.stop().catch(() => runtime?.kill());
  process.exit(0);
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());
// The parent gone (killed): this region goes too.
process.on('disconnect', () => void stop());

runtime = await startRegionalRuntime({ port: 0, dataDir, sharedDir, dynamodbEndpoint: process.env.SWITCHBOARD_DYNAMODB_ENDPOINT, fileMnos: fileDeliveringMnos(DEFAULT_SIMULATED_MNOS), schedulesEveryMs: schedules() }).catch((error: Error) => {
  process.send?.({ failed: error.message });
  process.exit(1);
});
process.send?.({ ready: { api: runtime.url, stepfunctions: runtime.cascades.endpoint } });
