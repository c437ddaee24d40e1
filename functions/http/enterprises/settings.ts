import { policyDecider } from '../../../domain/policy/decider.ts';
import { enterpriseDecider } from '../../../domain/enterprise/decider.ts';
import { DEFAULT_SETTINGS, EnterpriseSettings } from '../../../domain/enterprise/events.ts';
import { executeCommand } from '../../../application/command.ts';
import { loadState } from '../../../application/load-state.ts';
import { enterpriseStream, policyStream } from '../../../application/stream-ids.ts';
import { adapters } from '../../lambda/wiring.ts';
import { httpHandler } from '../http-handler.ts';
import { problem } from '../problem.ts';
import { bodyOf, commandContext } from '../request.ts';
import { etag, json } from '../responses.ts';
import { Settings } from './requests.ts';
import type * as z from '../../../domain/zod-mini.ts';
import type { EnterpriseSettingsView } from '../../../application/views/enterprises.schema.ts';

/** What the settings are: the defaults for what an older change did not name. */
const shown = (settings: EnterpriseSettings | undefined) => ({ ...DEFAULT_SETTINGS, ...settings });

/**
 * PUT /v1/enterprise/settings `{ fallbackReturn: "automatic" | "manual", fallbackReturnAfterSeconds,
 * policyId, releaseApprovals }`: how the enterprise's fleet is handled, all of it (what is left out
 * is the default: `manual`, 600 s, no policy, one person). `policyId` names a published policy
 * (409 `policy-not-published` otherwise).
 */
export const put = httpHandler('PUT /v1/enterprise/settings', async (request) => {
  const settings = bodyOf(request, Settings);
  if (settings.policyId) {
    const { state: policy } = await loadState(adapters.eventStore, policyDecider, policyStream(request.caller.tenant, settings.policyId));
    if (policy.latestVersion === 0) throw problem(409, 'policy-not-published', `policy ${settings.policyId} has no published version: publish it first`);
  }
  const { state, head } = await executeCommand(adapters.eventStore, enterpriseDecider, enterpriseStream(request.caller.tenant), { type: 'ChangeSettings', settings }, commandContext(request));
  return json(200, { ...shown(state.status === 'none' ? undefined : state.settings), version: head.version } satisfies z.output<typeof EnterpriseSettingsView>, { etag: etag(head.version) });
});

/** GET /v1/enterprise/settings: the enterprise's settings (the defaults until it changes them). */
export const get = httpHandler('GET /v1/enterprise/settings', async (request) => {
  const { state, head } = await loadState(adapters.eventStore, enterpriseDecider, enterpriseStream(request.caller.tenant));
  return json(200, { ...shown(state.status === 'none' ? undefined : state.settings), version: head.version } satisfies z.output<typeof EnterpriseSettingsView>, { etag: etag(head.version) });
});
