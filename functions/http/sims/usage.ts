import { loadState } from '../../../application/load-state.ts';
import { simStream } from '../../../application/stream-ids.ts';
import { usageView } from '../../../application/views/usage.ts';
import { enterpriseDecider } from '../../../domain/enterprise/decider.ts';
import { policyDecider } from '../../../domain/policy/decider.ts';
import { simDecider } from '../../../domain/sim/decider.ts';
import { enterpriseStream, policyStream } from '../../../application/stream-ids.ts';
import { usageCounters } from '../../lambda/signal-wiring.ts';
import { adapters } from '../../lambda/wiring.ts';
import { httpHandler } from '../http-handler.ts';
import { problem } from '../problem.ts';
import { eidParam } from '../request.ts';
import { json } from '../responses.ts';
import { UsageQuery } from './requests.ts';

/**
 * GET /v1/sims/{eid}/usage[?month=YYYY-MM]: the billing cycle (calendar month, UTC; this one by
 * default) so far: bytes and SMS in all and per MNO, per day, the caps of the enterprise's policy
 * and what fraction of each is used. Counted from the network's records as they arrive.
 */
export const handler = httpHandler(
  'GET /v1/sims/{eid}/usage',
  async (request) => {
    const eid = eidParam(request);
    const tenant = request.caller.tenant;
    const [{ state: sim }, { state: enterprise }] = await Promise.all([loadState(adapters.eventStore, simDecider, simStream(tenant, eid)), loadState(adapters.eventStore, enterpriseDecider, enterpriseStream(tenant))]);
    if (sim.status === 'unregistered') throw problem(404, 'sim-not-found', 'SIM not found');
    const policyId = enterprise.status === 'none' ? undefined : enterprise.settings.policyId;
    const policy = policyId ? (await loadState(adapters.eventStore, policyDecider, policyStream(tenant, policyId))).state : undefined;
    const month = request.query.month ?? new Date().toISOString().slice(0, 7);
    const totals = await usageCounters().read(tenant, eid, month);
    return json(200, usageView(eid, month, totals, policy?.published[policy.latestVersion]?.caps));
  },
  UsageQuery,
);
