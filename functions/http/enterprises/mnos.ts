import { enterpriseDecider } from '../../../domain/enterprise/decider.ts';
import { executeCommand } from '../../../application/command.ts';
import { adapters } from '../../lambda/wiring.ts';
import { enterpriseStream } from '../../../application/stream-ids.ts';
import { listedMnoIds } from '../../../application/mnos.ts';
import { httpHandler } from '../http-handler.ts';
import { bodyOf, commandContext } from '../request.ts';
import { etag, json } from '../responses.ts';
import { ChooseMnos } from './requests.ts';

/** PUT /v1/enterprise/mnos: the MNOs the caller's enterprise works with (SIM profiles and cascades are limited to them). */
export const handler = httpHandler('PUT /v1/enterprise/mnos', async (request) => {
  const { mnos } = bodyOf(request, ChooseMnos);
  const registered = await listedMnoIds(adapters.eventStore);
  const { state, head } = await executeCommand(
    adapters.eventStore,
    enterpriseDecider,
    enterpriseStream(request.caller.tenant),
    { type: 'ChooseMnos', mnos, registered },
    commandContext(request),
  );
  return json(200, { mnos: state.status === 'none' ? [] : state.mnos, version: head.version }, { etag: etag(head.version) });
});
