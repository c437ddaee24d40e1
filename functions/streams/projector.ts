import { createProjector } from '../../adapters/read-models/projector.ts';
import { StreamEvent } from '../../adapters/event-store/stream-records.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { adapters, config, dynamodb } from '../lambda/wiring.ts';

const projector = createProjector({
  client: dynamodb,
  store: {
    readCommits: (streamId, options) => adapters.eventStore.readCommits(streamId, options),
  },
  table: config.readModelsTable,
});

/** The event store's stream → the read-model table (adapters/read-models/projector.ts). */
export const handler = lambdaHandler(StreamEvent, (event) => projector.handler(event));
