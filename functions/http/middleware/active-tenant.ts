import type { MiddlewareObj } from '@middy/core';
import { enterpriseDecider } from '../../../domain/enterprise/decider.ts';
import type { EventStore } from '../../../domain/event-store.ts';
import { loadState } from '../../../application/load-state.ts';
import { enterpriseStream } from '../../../application/stream-ids.ts';
import { problem } from '../problem.ts';
import type { HttpEvent } from './caller.ts';

/** Tenants seen active, until when. Only "active" is cached, so a new tenant is usable at once. */
const activeUntil = new Map<string, number>();

/** Called by the handlers that change a tenant's status, so this instance sees it at once. */
export const forgetTenantStatus = (tenant: string) => activeUntil.delete(tenant);

/**
 * A tenant that is not onboarded, or is suspended, is refused with 403. The answer is cached
 * for `ttlMs` per warm instance: a suspension reaches every instance within that time.
 */
export const activeTenant = (store: () => EventStore, ttlMs: number): MiddlewareObj<HttpEvent> => ({
  before: async (request) => {
    const tenant = request.event.caller.tenant;
    const now = Date.now();
    if ((activeUntil.get(tenant) ?? 0) > now) return;
    const { state } = await loadState(store(), enterpriseDecider, enterpriseStream(tenant));
    if (state.status !== 'active')
      throw problem(403, 'tenant-not-active', 'the tenant is not onboarded or is suspended');
    if (ttlMs > 0) activeUntil.set(tenant, now + ttlMs);
  },
});
