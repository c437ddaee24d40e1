import type { PolicyDocument } from './document.ts';

/** Who asks: the verified subject of the caller's token. */
interface Issued {
  actor: string;
}

/** The document comes parsed (PolicyDocument.parse at the edge); the cascade id comes made by the caller. */
export type PolicyCommand =
  | (Issued & { type: 'SetPolicyDraft'; policyId: string; document: PolicyDocument })
  | (Issued & { type: 'PublishPolicy'; policyId: string; cascadeId: string });
