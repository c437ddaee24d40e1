import { credentialStoreFor } from '../../adapters/mno-gateways/credentials.ts';
import { controlCenterPull } from '../../adapters/signals/control-center-pull.ts';
import { dynamoDbPullState } from '../../adapters/signals/dynamodb-pull-state.ts';
import type { PollPorts } from '../../application/signals/poll.ts';
import type { CmpPull } from '../../application/signals/ports.ts';
import type { MnoRegistration } from '../../domain/mno/events.ts';
import { signalQueue } from './signal-queue-wiring.ts';
import { fileBatchIds } from './signal-wiring.ts';
import { dynamodb, env } from './wiring.ts';

const credentials = credentialStoreFor(env);

/** The pull path's ports: its place in the signals table, the queue, batch ids kept a week. */
export const pullPorts = (): PollPorts => ({ state: dynamoDbPullState(dynamodb, env.SIGNALS_TABLE), queue: signalQueue(), batchIds: fileBatchIds(), nowMs: Date.now });

/** A pull MNO's CMP (Cisco IoT Control Center's REST shape), its credentials from the store, each call admitted by its rate budget first. */
export const cmpPullOf = async (registration: MnoRegistration, admit: () => Promise<void>): Promise<CmpPull> => {
  const secret = await credentials.get(registration.api.credentialsRef);
  if (!secret.apiKey) throw new Error(`the credentials of ${registration.id} hold no apiKey for its CMP's REST API`);
  const client = controlCenterPull({ endpoint: registration.api.endpoint, username: secret.username ?? 'switchboard', apiKey: secret.apiKey });
  const admitted = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => async (...args: A) => (await admit(), call(...args));
  return { modifiedSince: admitted(client.modifiedSince), usage: admitted(client.usage), sessions: admitted(client.sessions), sms: admitted(client.sms) };
};
