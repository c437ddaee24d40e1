/** Stream ids, namespaced by tenant and type so that no key of one tenant can reach another's. */
export const simStream = (tenant: string, eid: string) => `T#${tenant}#SIM#${eid}`;
export const enterpriseStream = (tenant: string) => `T#${tenant}#ENTERPRISE`;
/** Platform-wide: which SIM of which tenant holds an identifier (EID, ICCID, IMSI). */
export const identifierClaimStream = (kind: 'eid' | 'iccid' | 'imsi', value: string) => `CLAIM#${kind.toUpperCase()}#${value}`;
/** Platform-wide: one MNO, and the catalogue of all MNO ids. */
export const mnoStream = (mno: string) => `MNO#${mno}`;
export const mnoCatalogueStream = () => 'PLATFORM#MNOS';
/** A cascade, and the tenant's list of cascade ids (newest last). */
export const cascadeStream = (tenant: string, cascadeId: string) => `T#${tenant}#CASCADE#${cascadeId}`;
/** One MNO in one round of a cascade: that target's steps (domain/cascade/target.ts). */
export const cascadeTargetStream = (tenant: string, cascadeId: string, round: number, mno: string) => `${cascadeStream(tenant, cascadeId)}#R${round}#MNO#${mno}`;
export const cascadeIndexStream = (tenant: string) => `T#${tenant}#CASCADES`;
/** A tenant's policy, and the tenant's list of policy ids. */
export const policyStream = (tenant: string, policyId: string) => `T#${tenant}#POLICY#${policyId}`;
/** What a cascade carries to the MNOs: a policy's stream, or a SIM's. */
export const cascadeSubjectStream = (tenant: string, subject: { kind: 'policy'; policyId: string } | { kind: 'sim-state'; eid: string }) =>
  subject.kind === 'policy' ? policyStream(tenant, subject.policyId) : simStream(tenant, subject.eid);
/** A bulk operation (its items are rows of the bulk-items table under the same key). */
export const bulkStream = (tenant: string, bulkId: string) => `T#${tenant}#BULK#${bulkId}`;
/** A subject's alerts of one kind (domain/alerts; the subject's key: an EID, or `policy.<id>.<mno>`): `T#<tenant>#ALERT#<subject>:<kind>`. */
export const alertStream = (tenant: string, subject: string, kind: string) => `T#${tenant}#ALERT#${subject}:${kind}`;

/** A replication conflict (eventual consistency) as the region that detected it records it. */
export const replicationConflictStream = (region: string, streamId: string, version: number) => `REPLICATION#${region}#${streamId}#${version}`;
