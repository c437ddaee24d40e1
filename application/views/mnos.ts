import type { MnoState } from '../../domain/mno/decider.ts';
import { unavailableReason } from '../../domain/mno/decider.ts';
import type * as z from '../../domain/zod-mini.ts';
import type { Mno } from './mnos.schema.ts';

/** An MNO as the API shows it. Tenants see no endpoint or credentials reference. */
export const mnoView = (state: MnoState, version: number, platform: boolean): z.output<typeof Mno> | undefined => {
  if (state.status === 'unknown') return undefined;
  const { id, name, plmns, countries, capabilities, api } = state.registration;
  return {
    id,
    name,
    plmns,
    countries,
    capabilities,
    api: platform ? api : { style: api.style },
    status: state.status,
    ...(state.outage && { outage: state.outage }),
    ...(state.probeFailingSince && { probeFailingSince: state.probeFailingSince }),
    available: unavailableReason(state) === undefined,
    ...(platform && state.checks && { checks: state.checks }),
    version,
  };
};
