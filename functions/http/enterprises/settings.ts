import { enterpriseDecider } from '../../../domain/enterprise/decider.ts';
import { DEFAULT_SETTINGS, EnterpriseSettings } from '../../../domain/enterprise/events.ts';
import { executeCommand } from '../../../application/command.ts';
import { loadState } from '../../../application/load-state.ts';
import { enterpriseStream } from '../../../application/stream-ids.ts';
import { adapters } from '../../lambda/wiring.ts';
import { httpHandler } from '../http-handler.ts';
import { bodyOf, commandContext } from '../request.ts';
import { etag, json } from '../responses.ts';

/** Settings as a PUT may give them: any left out keep their defaults (a PUT replaces them all). */
const Settings = EnterpriseSettings.partial().transform((s) => ({ ...DEFAULT_SETTINGS, ...s }));

/**
 * PUT /v1/enterprise/settings `{ fallbackReturn: "automatic" | "manual", fallbackReturnAfterSeconds }`:
 * how the enterprise's fleet is handled, all of it (what is left out is the default: `manual`, 600 s).
 */
export const put = httpHandler('PUT /v1/enterprise/settings', async (request) => {
  const settings = bodyOf(request, Settings);
  const { state, head } = await executeCommand(adapters.eventStore, enterpriseDecider, enterpriseStream(request.caller.tenant), { type: 'ChangeSettings', settings }, commandContext(request));
  return json(200, { ...(state.status === 'none' ? DEFAULT_SETTINGS : state.settings), version: head.version }, { etag: etag(head.version) });
});

/** GET /v1/enterprise/settings: the enterprise's settings (the defaults until it changes them). */
export const get = httpHandler('GET /v1/enterprise/settings', async (request) => {
  const { state, head } = await loadState(adapters.eventStore, enterpriseDecider, enterpriseStream(request.caller.tenant));
  return json(200, { ...(state.status === 'none' ? DEFAULT_SETTINGS : state.settings), version: head.version }, { etag: etag(head.version) });
});
