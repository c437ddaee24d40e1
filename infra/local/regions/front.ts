import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { requestPath } from '../request-path.ts';

/** How the front checks the regions, as a Route 53 health check does: every `intervalMs`, `failureThreshold` failures in a row to fail over. */
export interface HealthCheckSettings {
  intervalMs: number;
  timeoutMs: number;
  failureThreshold: number;
  /** Back to the primary on its own once it has been healthy this long; undefined: only when told (`POST /_sim/regions/{r}/primary`). */
  failbackAfterMs?: number | undefined;
}

/** Route 53's defaults shortened to a local scale: 5 s apart, 3 failures (a region is failed over within about 17 s), 2 s each. */
export const DEFAULT_HEALTH_CHECKS: HealthCheckSettings = { intervalMs: 5_000, timeoutMs: 2_000, failureThreshold: 3 };

interface FrontRegion {
  name: string;
  url: string;
}

interface Seen {
  healthy: boolean;
  failures: number;
  /** Checks passed in a row (a failed region is healthy again after as many as it took to fail, as Route 53 counts). */
  successes: number;
  healthySinceMs: number | undefined;
}

/**
 * The failover front: one URL standing for the Route 53 failover record over the regions' APIs.
 * It health-checks each region's `/health`, sends every request to the primary while it is
 * healthy, fails over to a healthy secondary after `failureThreshold` failed checks, and fails back
 * only when told or after the hold-down. A request the active region does not answer in time is a
 * 503 (as a client meets a region dying under it); nothing is retried elsewhere, because a write
 * that reached a region may have been applied there. `/_sim/regions/{r}/fail|recover` break and
 * mend a region (what `control` does), `/_sim/front` says where traffic goes.
 */
export const startFront = async (options: {
  port?: number | undefined;
  regions: readonly FrontRegion[];
  health?: Partial<HealthCheckSettings> | undefined;
  /** How long a request may wait for the active region's answer before it is a 503 (10 s by default). */
  requestTimeoutMs?: number | undefined;
  control: { fail(region: string): Promise<void>; recover(region: string): Promise<void> };
  log?: ((message: string) => void) | undefined;
}) => {
  const health = { ...DEFAULT_HEALTH_CHECKS, ...options.health };
  const log = options.log ?? (() => undefined);
  let primary = options.regions[0]!.name;
  let active = primary;
  const seen = new Map<string, Seen>(options.regions.map((r) => [r.name, { healthy: true, failures: 0, successes: 0, healthySinceMs: Date.now() }]));
  const switches: { at: string; from: string; to: string; why: string }[] = [];
  const urlOf = (name: string) => options.regions.find((r) => r.name === name)!.url;
  const switchTo = (to: string, why: string) => {
    if (to === active) return;
    switches.push({ at: new Date().toISOString(), from: active, to, why });
    log(`front: traffic ${active} → ${to} (${why})`);
    active = to;
  };

  const check = async (region: FrontRegion) => {
    const ok = await fetch(`${region.url}/health`, { signal: AbortSignal.timeout(health.timeoutMs) })
      .then((r) => r.status === 200)
      .catch(() => false);
    const s = seen.get(region.name)!;
    if (ok) {
      s.failures = 0;
      if (!s.healthy && ++s.successes >= health.failureThreshold) Object.assign(s, { healthy: true, healthySinceMs: Date.now() });
    } else {
      s.successes = 0;
      if (++s.failures >= health.failureThreshold && s.healthy) Object.assign(s, { healthy: false, healthySinceMs: undefined });
    }
  };
  const decide = () => {
    const current = seen.get(active)!;
    const primarySeen = seen.get(primary)!;
    if (!current.healthy) {
      const other = options.regions.find((r) => r.name !== active && seen.get(r.name)!.healthy);
      if (other) switchTo(other.name, `${active} failed ${health.failureThreshold} health checks`);
    } else if (active !== primary && primarySeen.healthy && health.failbackAfterMs !== undefined && Date.now() - primarySeen.healthySinceMs! >= health.failbackAfterMs)
      switchTo(primary, `${primary} healthy for ${health.failbackAfterMs} ms`);
  };
  let stopped = false;
  // A check every `intervalMs` from the start of the last (as Route 53 checks on its own clock), not after its answer: a region
  // that no longer answers is failed over within about `failureThreshold` intervals, its checks' timeouts not added on.
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      await Promise.all(options.regions.map(check));
      decide();
      await new Promise((ok) => setTimeout(ok, Math.max(0, health.intervalMs - (Date.now() - started))));
    }
  })();

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
    res.end(JSON.stringify(body));
  };
  const status = () => ({ primary, active, health, regions: Object.fromEntries([...seen].map(([name, s]) => [name, { url: urlOf(name), healthy: s.healthy, failures: s.failures }])), switches });

  const control = async (req: IncomingMessage, res: ServerResponse) => {
    const path = requestPath(req.url)?.pathname;
    if (!path) return json(res, 400, { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'the request target must be a path' });
    if (req.method === 'GET' && path === '/_sim/front') return json(res, 200, status());
    const m = /^\/_sim\/regions\/([^/]+)\/(fail|recover|primary)$/.exec(path);
    if (req.method !== 'POST' || !m || !seen.has(m[1]!)) return json(res, 404, { type: 'about:blank', title: 'Not Found', status: 404, detail: `regions: ${[...seen.keys()].join(', ')}; POST /_sim/regions/{region}/fail|recover|primary, GET /_sim/front` });
    const [, region, action] = m as unknown as [string, string, 'fail' | 'recover' | 'primary'];
    if (action === 'fail') await options.control.fail(region);
    else if (action === 'recover') await options.control.recover(region);
    else {
      primary = region;
      switchTo(region, 'told');
    }
    log(`front: ${region} ${action}`);
    return json(res, 200, status());
  };

  const proxy = (req: IncomingMessage, res: ServerResponse) => {
    // A path on the region's API only: never another host (`//host/…` or an absolute URL would resolve to one).
    if (!req.url || !requestPath(req.url)) return json(res, 400, { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'the request target must be a path' });
    const target = new URL(req.url, urlOf(active));
    const upstream = request(target, { method: req.method, headers: { ...req.headers, host: target.host }, timeout: options.requestTimeoutMs ?? 10_000 }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    let answered = false;
    const unavailable = () => {
      if (answered) return;
      answered = true;
      upstream.destroy();
      if (res.headersSent) return void res.destroy();
      res.setHeader('retry-after', '5');
      json(res, 503, { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: `region ${active} did not answer; the front fails over once its health checks fail` });
    };
    upstream.on('timeout', unavailable);
    upstream.on('error', unavailable);
    // A client that gives up gives up upstream too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };

  const server: Server = createServer((req, res) => {
    if (!req.url?.startsWith('/_sim/')) return proxy(req, res);
    control(req, res).catch((error: Error) => json(res, 500, { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: error.message }));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((ok) => server.listen(options.port ?? 0, '127.0.0.1', ok));
  const url = `http://localhost:${(server.address() as { port: number }).port}`;
  return {
    url,
    status,
    stop: async () => {
      stopped = true;
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
      await loop;
    },
  };
};
