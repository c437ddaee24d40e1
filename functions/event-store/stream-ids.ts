/** Stream ids, namespaced by tenant and type so that no key of one tenant can reach another's. */
export const simStream = (tenant: string, eid: string) => `T#${tenant}#SIM#${eid}`;
export const enterpriseStream = (tenant: string) => `T#${tenant}#ENTERPRISE`;
/** Platform-wide: which tenant holds an EID. */
export const eidClaimStream = (eid: string) => `EID#${eid}`;
