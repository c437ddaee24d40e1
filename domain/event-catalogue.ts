import type { z } from 'zod';
import { CascadeEvents } from './cascade/events.ts';
import { CascadeIndexEvents } from './cascade/index-decider.ts';
import { IdentifierClaimEvents } from './identifier-claim/decider.ts';
import { EnterpriseEvents } from './enterprise/events.ts';
import { MnoCatalogueEvents } from './mno/catalogue.ts';
import { MnoEvents } from './mno/events.ts';
import { PolicyEvents } from './policy/events.ts';
import { SimEvents } from './sim/events.ts';

/**
 * Every domain event type and the schema of its data, by aggregate: the one list integrators'
 * bindings are generated from (`GET /v1/events/schemas`, docs/events/catalogue.json).
 */
export const EVENT_CATALOGUE = {
  Enterprise: EnterpriseEvents,
  Sim: SimEvents,
  IdentifierClaim: IdentifierClaimEvents,
  Mno: MnoEvents,
  MnoCatalogue: MnoCatalogueEvents,
  Policy: PolicyEvents,
  Cascade: CascadeEvents,
  CascadeIndex: CascadeIndexEvents,
} as const satisfies Record<string, Record<string, z.ZodType>>;
