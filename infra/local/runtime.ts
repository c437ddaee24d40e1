import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Route } from '../../functions/http/routes.ts';
import type { RunOptions } from 'aws-local-stepfunctions';
import { DynamoDbEventStore } from '../../functions/event-store/dynamodb-event-store.ts';
import { TABLES, tableName } from '../../functions/tables.ts';
import { startCascadeEngine } from './cascade-engine.ts';
import { startStreamPoller, type StreamHandler } from './stream-poller.ts';
import type { MnoSimulator } from './mno-simulators/index.ts';
import { DEFAULT_SIMULATED_MNOS, startSimulatedMnos, type SimulatedMno } from './simulated-mnos.ts';
import type { LocalStepFunctionsEngine } from './step-functions/engine.ts';
import { createGateway } from './api-gateway.ts';
import { createTables } from './create-tables.ts';
import { LOCAL_CREDENTIALS, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { localIssuer, type LocalIssuer } from './issuer.ts';
import { jwtAuthorizer } from './jwt-authorizer.ts';

export interface RuntimeOptions {
  port?: number | undefined;
  host?: string | undefined;
  dataDir: string;
  inMemory?: boolean | undefined;
  /** Use a DynamoDB (Local) that is already running instead of starting one. */
  dynamodbEndpoint?: string | undefined;
  /** The simulated MNOs to start and register (default: five, one per API style at least). */
  mnos?: readonly SimulatedMno[] | undefined;
  /** Local engine overrides (tests shorten Wait states and retry intervals; the definition stays as deployed). */
  stepFunctions?: RunOptions['overrides'];
}

export interface Runtime {
  url: string;
  dynamodbEndpoint: string;
  issuer: LocalIssuer;
  simulators: Map<string, MnoSimulator>;
  cascades: { engine: LocalStepFunctionsEngine; stateMachineArn: string; endpoint: string };
  stop(): Promise<void>;
}

const functionsDir = resolve(fileURLToPath(new URL('../../functions/http/', import.meta.url)));

/**
 * The whole system on this machine: DynamoDB Local with the tables CDK also creates, simulated
 * MNO CMPs registered and verified, the cascade state machine on the local Step Functions engine,
 * the development token issuer, and the API behind a gateway that authorizes as API Gateway does.
 * Handlers are the Lambda handlers, unchanged; they reach DynamoDB through the endpoint variable
 * the SDK reads, exactly as in AWS.
 */
export const startRuntime = async (options: RuntimeOptions): Promise<Runtime> => {
  mkdirSync(options.dataDir, { recursive: true });
  let dynamo: DynamoDbLocal | undefined;
  const stops: (() => Promise<unknown>)[] = [];
  const endpoint =
    options.dynamodbEndpoint ??
    (dynamo = await startDynamoDbLocal({ path: options.inMemory ? undefined : resolve(options.dataDir, 'dynamodb') })).endpoint;
  try {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_REGION: process.env.AWS_REGION ?? 'local',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
    const client = new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS });
    await createTables(client, tableName);

    const cascades = await startCascadeEngine(options.stepFunctions);
    stops.push(cascades.stop);
    const credentialsFile = resolve(options.dataDir, 'mno-credentials.json');
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SFN: cascades.endpoint,
      CASCADE_STATE_MACHINE_ARN: cascades.stateMachineArn,
      MNO_CREDENTIALS_FILE: credentialsFile,
    });
    const mnos = await startSimulatedMnos(new DynamoDbEventStore(client, tableName(TABLES.events)), options.mnos ?? DEFAULT_SIMULATED_MNOS, credentialsFile);
    stops.push(mnos.stop, async () => client.destroy());

    // The stream handlers AWS runs from the event store's DynamoDB stream, fed by a local poller.
    const cascadeStarter = import(resolve(functionsDir, '../streams/cascade-starter.ts')) as Promise<{ handler: StreamHandler }>;
    const poller = await startStreamPoller({
      dynamodb: client,
      endpoint,
      tableName: tableName(TABLES.events),
      handlers: [async (event) => (await cascadeStarter).handler(event)],
      checkpointFile: options.inMemory ? undefined : resolve(options.dataDir, 'stream-checkpoints.json'),
    });
    stops.push(poller.stop);

    const issuer = await localIssuer(options.dataDir);
    const handlers = new Map<string, Promise<Record<string, unknown>>>();
    const server: Server = createGateway({
      authorize: jwtAuthorizer(issuer),
      load: async (route: Route) => {
        let module = handlers.get(route.entry);
        if (!module) handlers.set(route.entry, (module = import(resolve(functionsDir, route.entry))));
        return (await module)[route.handler] as never;
      },
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => ok());
    });
    const { port } = server.address() as { port: number };
    return {
      url: `http://localhost:${port}`,
      dynamodbEndpoint: endpoint,
      issuer,
      simulators: mnos.simulators,
      cascades: { engine: cascades.engine, stateMachineArn: cascades.stateMachineArn, endpoint: cascades.endpoint },
      stop: async () => {
        server.closeAllConnections();
        await new Promise((ok) => server.close(ok));
        for (const stop of stops.reverse()) await stop();
        await dynamo?.stop();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await dynamo?.stop();
    throw error;
  }
};

export const dataDirFromEnv = () => resolve(process.env.SWITCHBOARD_DATA_DIR ?? '.switchboard');
