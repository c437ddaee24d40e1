import { executeCommand } from '../../application/command.ts';
import { enterpriseStream, mnoCatalogueStream, mnoStream } from '../../application/stream-ids.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { enterpriseDecider } from '../../domain/enterprise/decider.ts';
import { mnoCatalogueDecider } from '../../domain/mno/catalogue.ts';
import { mnoDecider } from '../../domain/mno/decider.ts';

const ops = { actor: 'ops', correlationId: 'seed', region: 'local' };

/** MNOs registered (PLMN 262-91, unverified) and tenants onboarded that chose them all: what a use-case test starts from. */
export const seedMnosAndTenants = async (store: EventStore, mnos: readonly string[], tenants: readonly string[]) => {
  for (const id of mnos) {
    await executeCommand(store, mnoCatalogueDecider, mnoCatalogueStream(), { type: 'ListMno', id }, ops);
    const api = { style: 'rest-oauth2' as const, endpoint: `https://${id}.example`, credentialsRef: `secret://mno/${id}` };
    await executeCommand(store, mnoDecider, mnoStream(id), { type: 'RegisterMno', registration: { id, name: id, plmns: ['262-91'], countries: ['DE'], api, capabilities: [] } }, ops);
  }
  for (const tenant of tenants) {
    await executeCommand(store, enterpriseDecider, enterpriseStream(tenant), { type: 'OnboardEnterprise', tenantId: tenant, name: tenant }, ops);
    await executeCommand(store, enterpriseDecider, enterpriseStream(tenant), { type: 'ChooseMnos', mnos: [...mnos], registered: mnos }, ops);
  }
};
