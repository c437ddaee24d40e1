import { TenantId } from '../../domain/identifiers/index.ts';

/** A Switchboard event as EventBridge hands it to a target, and as a webhook's body carries it. */
export interface WebhookEvent {
  version?: string;
  id: string;
  'detail-type': string;
  source: string;
  account?: string;
  time: string;
  region?: string;
  resources?: string[];
  detail: unknown;
  'replay-name'?: string;
}

interface Detail {
  tenant?: unknown;
  streamId?: unknown;
  eventId?: unknown;
}

/**
 * The tenant an event belongs to and its domain event id, or undefined for an event no webhook may
 * get: a platform event (no tenant), or one whose stream is not namespaced by the tenant it names.
 */
export const addressOf = (event: WebhookEvent): { tenant: string; eventId: string } | undefined => {
  const detail = (event.detail ?? {}) as Detail;
  const { tenant, streamId, eventId } = detail;
  if (typeof tenant !== 'string' || !TenantId.safeParse(tenant).success) return undefined;
  if (typeof streamId !== 'string' || !streamId.startsWith(`T#${tenant}#`)) return undefined;
  if (typeof eventId !== 'string' || !/^[\w-]{1,128}$/.test(eventId)) return undefined;
  return { tenant, eventId };
};
