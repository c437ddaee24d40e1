import * as z from '../../domain/zod-mini.ts';
import { MnoId } from '../../domain/identifiers/index.ts';
import { PolicyDocument } from '../../domain/policy/document.ts';
import { CascadeId, PolicyId } from '../../domain/policy/identifiers.ts';
import { PolicyRule } from '../../domain/policy/rules.ts';

/**
 * The policies as the API answers them (the OpenAPI document's, and the handlers' types). Not
 * bundled into a function: the handlers import only their types.
 */
const Version = z.int().check(z.positive());
/** The latest published version; 0 before the first publication. */
const LatestVersion = z.int().check(z.nonnegative());

/** A policy's draft as just set. */
export const PolicyDraft = z.strictObject({ policyId: PolicyId, draft: PolicyDocument, latestVersion: LatestVersion });

/** A policy: its draft and the versions published (ascending). */
export const Policy = z.extend(PolicyDraft, { versions: z.array(Version) });

/** A published version and the cascade that carried it to the MNOs. */
export const PolicyVersion = z.strictObject({ policyId: PolicyId, version: Version, document: PolicyDocument, cascadeId: z.nullable(CascadeId) });

/** A document as an MNO is given it: without Switchboard's own rules (`responses`, `quarantine`). */
const { responses: _responses, quarantine: _quarantine, ...mnoRules } = PolicyDocument.shape;

/** A published version as one MNO enforces it, and every rule it cannot (with what that means). */
export const EffectivePolicy = z.strictObject({
  policyId: PolicyId,
  version: Version,
  mno: MnoId,
  /** The document without Switchboard's own rules (`responses`, `quarantine`) and without the rules this MNO cannot enforce. */
  effective: z.strictObject(mnoRules),
  unenforceable: z.array(z.strictObject({ rule: PolicyRule, reason: z.string() })),
});

/** A new version published: the cascade that carries it (`Location`). */
export const PolicyPublished = z.strictObject({ version: Version, cascadeId: CascadeId });

/** The draft was the latest version already: nothing published; the latest version and its cascade. */
export const PolicyUnchanged = z.strictObject({ version: Version, cascadeId: z.nullable(CascadeId), unchanged: z.literal(true) });
