import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENTRY_POINTS, ROUTE_ENTRY_POINTS } from '../../manifest/entry-points.ts';
import { ROUTES, routeKey, type Route } from '../../manifest/routes.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the deployment manifest (manifest/entry-points.ts)', () => {
  it('lists each entry point once, by a unique id, at a module that exports its handler', () => {
    expect(new Set(ENTRY_POINTS.map((e) => e.id)).size).toBe(ENTRY_POINTS.length);
    for (const e of ENTRY_POINTS) {
      expect(existsSync(ROOT + e.module), e.module).toBe(true);
      expect(readFileSync(ROOT + e.module, 'utf8'), `${e.module} exports ${e.handler}`).toMatch(new RegExp(`export const (\\{ )?${e.handler}\\b`));
    }
  });

  it('has one entry point per route, and each route declares what it touches', () => {
    expect(ROUTE_ENTRY_POINTS.map((e) => routeKey(e.trigger.route))).toEqual(ROUTES.map(routeKey));
    for (const route of ROUTES) expect(route.access, routeKey(route)).toBeDefined();
  });

  it('keeps idempotency records only for POSTs (the middleware is added from it), and never for the route whose answer holds a secret', () => {
    const routes: readonly Route[] = ROUTES;
    for (const route of routes) if (route.access.idempotency) expect(route.method, routeKey(route)).toBe('POST');
    expect(routes.find((r) => routeKey(r) === 'POST /v1/subscriptions')!.access.idempotency).toBeFalsy();
  });
});
