import { mnoCatalogueDecider } from '../../../domain/mno/catalogue.ts';
import { mnoDecider } from '../../../domain/mno/decider.ts';
import { MnoRegistration } from '../../../domain/mno/events.ts';
import { executeCommand } from '../../../application/command.ts';
import { adapters } from '../../lambda/wiring.ts';
import { mnoCatalogueStream, mnoStream } from '../../../application/stream-ids.ts';
import { idempotentHandler } from '../idempotent-handler.ts';
import { bodyOf, commandContext } from '../request.ts';
import { etag, json } from '../responses.ts';
import { mnoView } from '../../../application/views/mnos.ts';

/** POST /v1/mnos (platform): registers an MNO, unverified until its security checks are recorded. */
export const handler = idempotentHandler('POST /v1/mnos', async (request) => {
  const registration = bodyOf(request, MnoRegistration);
  const context = commandContext(request);
  // Listed first (a no-op when listed already), so a registration that fails half-way is retried whole.
  await executeCommand(adapters.eventStore, mnoCatalogueDecider, mnoCatalogueStream(), { type: 'ListMno', id: registration.id }, { ...context, expectedVersion: undefined }, 20);
  const { state, head } = await executeCommand(adapters.eventStore, mnoDecider, mnoStream(registration.id), { type: 'RegisterMno', registration }, context);
  return json(201, mnoView(state, head.version, true), { etag: etag(head.version), location: `/v1/mnos/${registration.id}` });
});
