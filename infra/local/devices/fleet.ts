import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { PublicJwk, Signer } from '../../../application/ports/signer.ts';
import { issueEuiccCertificate } from '../../../adapters/signing/eim-signing.ts';
import { fileSigner, memorySigner } from '../../../adapters/signing/file-signer.ts';
import type { EuiccState } from '../../../domain/euicc/euicc.ts';
import { simulatedEuicc, type SimulatedEuicc } from './euicc-device.ts';
import { requestPath } from '../request-path.ts';

/** A profile as the fleet learns it from a registration: which MNO it is on decides whether it can attach. */
export interface DeviceProfile {
  iccid: string;
  mno: string;
  state: string;
  fallback: boolean;
}

interface Device {
  euicc: SimulatedEuicc;
  certificate: Awaited<ReturnType<typeof issueEuiccCertificate>>;
  mnoOf: Map<string, string>;
  online: boolean;
}

/**
 * The local runtime's devices: one simulated IoT device (IPA + eUICC with its own key, certified by
 * the local EUM) per registered SIM, each polling the eIM's device routes (ESipa) for its packages,
 * running them and sending back its signed results. A device can be taken offline (`PUT
 * /_sim/devices/{eid}` `{ "online": false }`): it gets what waited, in order, when it is back. A
 * profile on an MNO in outage cannot attach (an enable with rollback rolls back). What each device
 * holds is kept in `dir` (its key and its eUICC, 0600), so a restart finds it as it was.
 */
export const startDeviceFleet = async (options: {
  api: string;
  eimId: string;
  eimPublicJwk: PublicJwk;
  eum: Signer;
  /** Whether an MNO lets a profile attach now (not in outage). */
  attaches: (mno: string) => boolean;
  dir?: string | undefined;
  pollMs?: number | undefined;
  log?: ((message: string) => void) | undefined;
}) => {
  const devices = new Map<string, Device>();
  if (options.dir) mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const fileOf = (eid: string, what: 'key' | 'euicc') => (options.dir ? join(options.dir, `${eid}.${what}.json`) : undefined);

  const save = (eid: string, device: Device) => {
    const file = fileOf(eid, 'euicc');
    if (!file) return;
    writeFileSync(`${file}.tmp`, JSON.stringify({ state: device.euicc.state(), seq: device.euicc.seq(), mnos: Object.fromEntries(device.mnoOf) }), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  };

  /** EIDs whose device is being made: an event delivered twice makes one device. */
  const adding = new Set<string>();
  const add = async (eid: string, profiles: readonly DeviceProfile[], restored?: { state: EuiccState; seq: number }) => {
    if (devices.has(eid) || adding.has(eid)) return;
    adding.add(eid);
    const keyFile = fileOf(eid, 'key');
    const key = keyFile ? fileSigner(keyFile, `euicc-${eid}`) : memorySigner(undefined, `euicc-${eid}`);
    const mnoOf = new Map(profiles.map((p) => [p.iccid, p.mno]));
    const installed = profiles
      .filter((p) => p.state === 'enabled' || p.state === 'disabled')
      .map((p) => ({ iccid: p.iccid, state: p.state as 'enabled' | 'disabled', fallback: p.fallback }));
    const euicc = simulatedEuicc({
      eid,
      eimId: options.eimId,
      eimPublicJwk: options.eimPublicJwk,
      profiles: installed,
      key,
      restored,
      attachable: (iccid) => options.attaches(mnoOf.get(iccid) ?? ''),
    });
    const device: Device = { euicc, certificate: await issueEuiccCertificate(options.eum, eid, await euicc.publicJwk()), mnoOf, online: true };
    devices.set(eid, device);
    adding.delete(eid);
    save(eid, device);
  };

  // The devices an earlier run had.
  for (const name of options.dir ? readdirSync(options.dir).filter((n) => n.endsWith('.euicc.json')) : []) {
    const eid = name.slice(0, -'.euicc.json'.length);
    const kept = JSON.parse(readFileSync(join(options.dir!, name), 'utf8')) as { state: EuiccState; seq: number; mnos: Record<string, string> };
    await add(eid, Object.entries(kept.mnos).map(([iccid, mno]) => ({ iccid, mno, state: 'disabled', fallback: false })), kept);
  }

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${options.api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: res.status === 204 ? undefined : ((await res.json()) as Record<string, unknown>) };
  };

  /**
   * A profile download (SGP.22 ES9+, simplified): the activation code's SM-DP+ asked with its
   * matching id and this EID, the bound profile package fetched, the profile installed on the
   * eUICC, and the installation notified to the SM-DP+.
   */
  const download = async (eid: string, device: Device, signed: unknown) => {
    const trigger = await device.euicc.trigger(signed as never);
    const [, address, matchingId] = trigger.activationCode.split('$');
    const es9 = async <T>(fn: string, body: unknown): Promise<T> => {
      const res = await fetch(`http://${address}/gsma/rsp2/es9plus/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
      const answer = (await res.json()) as { header: { functionExecutionStatus: { status: string; statusCodeData?: { message?: string } } } } & Record<string, unknown>;
      if (answer.header.functionExecutionStatus.status !== 'Executed-Success') throw new Error(`ES9+ ${fn}: ${answer.header.functionExecutionStatus.statusCodeData?.message ?? 'failed'}`);
      return answer as unknown as T;
    };
    const { transactionId } = await es9<{ transactionId: string }>('authenticateClient', { matchingId, eid });
    const { boundProfilePackage } = await es9<{ boundProfilePackage: { iccid: string; mno: string } }>('getBoundProfilePackage', { transactionId });
    device.euicc.install(boundProfilePackage.iccid);
    device.mnoOf.set(boundProfilePackage.iccid, boundProfilePackage.mno);
    save(eid, device);
    await es9('handleNotification', { transactionId, installed: true });
  };

  /** One poll of one device: a profile download it is triggered for, and every package that waits (in order). */
  const poll = async (eid: string, device: Device) => {
    for (let i = 0; i < 16 && device.online; i++) {
      const next = await post(`/v1/esipa/${eid}/packages/next`, { request: await device.euicc.request(new Date()), certificate: device.certificate });
      if (next.status !== 200) return;
      if (next.body!.downloadTrigger) {
        await download(eid, device, next.body!.downloadTrigger);
        continue;
      }
      const result = await device.euicc.load(next.body!.package as never);
      save(eid, device);
      const sent = await post(`/v1/esipa/${eid}/results`, { result, certificate: device.certificate });
      if (sent.status !== 200) return options.log?.(`device ${eid}: result refused (${sent.status})`);
    }
  };

  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const pollAll = async () => {
    for (const [eid, device] of devices) if (device.online) await poll(eid, device).catch((error: Error) => options.log?.(`device ${eid}: ${error.message}`));
  };
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(pollAll);
  }, options.pollMs ?? 2_000);

  const server: Server = createServer(async (req, res) => {
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const url = requestPath(req.url);
    if (!url) return reply(400, { error: 'the request target must be a path' });
    const m = /^\/_sim\/devices\/(\d{32})$/.exec(url.pathname);
    const device = m ? devices.get(m[1]!) : undefined;
    if (!device) return reply(404, { error: 'no such device' });
    if (req.method === 'GET') return reply(200, { online: device.online, ...device.euicc.state(), seq: device.euicc.seq() });
    if (req.method !== 'PUT') return reply(405, { error: 'GET or PUT' });
    let raw = '';
    for await (const chunk of req) raw += chunk;
    try {
      const { online } = JSON.parse(raw) as { online?: unknown };
      if (typeof online !== 'boolean') return reply(400, { error: 'body is { "online": true | false }' });
      device.online = online;
      // Offline from the answer on: a poll of it already under way (its package fetched before the
      // change) ends first, so nothing queued after the answer runs until it is back.
      if (!online) await running;
      return reply(204);
    } catch {
      return reply(400, { error: 'body is { "online": true | false }' });
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));

  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    add,
    devices: devices as ReadonlyMap<string, Device>,
    /** Polls every online device now (what a test calls instead of waiting). */
    pollNow: () => (running = running.then(pollAll)),
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    },
  };
};
