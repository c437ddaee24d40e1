import * as z from '../zod-mini.ts';
import { PolicyDocument } from './document.ts';
import { CascadeId, PolicyId } from './identifiers.ts';
import { lazySchemas } from '../events.ts';

/** Typed event definitions of the Policy aggregate: one schema per event type, the data it carries. */
export const PolicyEvents = lazySchemas({
  PolicyDraftSet: () => z.object({ policyId: PolicyId, document: PolicyDocument }),
  /** `version` counts from 1 per policy; publishing it starts the cascade `cascadeId` to every MNO. */
  PolicyPublished: () => z.object({ policyId: PolicyId, version: z.int().check(z.positive()), document: PolicyDocument, cascadeId: CascadeId }),
});

type Defs = typeof PolicyEvents;
export type PolicyEvent = { [K in keyof Defs]: { type: K; data: z.infer<Defs[K]> } }[keyof Defs];
