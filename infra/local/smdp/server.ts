import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { signNotification } from '../../../adapters/smdp/es2plus.ts';
import { requestPath } from '../request-path.ts';

/**
 * The MNOs' SM-DP+s on this machine (GSMA SGP.22), one per MNO under `/smdp/<mno>`:
 * - ES2+ for the operator side (Switchboard): DownloadOrder (a profile reserved for the EID),
 *   ConfirmOrder (the EID bound, a matching id made, released), each answered once per call id;
 *   callers prove themselves with the MNO's ES2+ key (standing for mutual TLS);
 * - ES9+ for the device: AuthenticateClient with the matching id and the EID (single use: a code
 *   used before, or for another EID, is refused), GetBoundProfilePackage, HandleNotification;
 * - HandleDownloadProgressInfo back to the operator at points 1 (eligibility), 3 (download) and 4
 *   (installation), signed with the MNO's ES2+ key.
 * What a real SM-DP+ does with certificates and bound profile packages is left out: the package
 * here is the profile's ICCID and IMSI.
 */
interface Order {
  iccid: string;
  imsi: string;
  eid: string;
  callIds: Set<string>;
  matchingId?: string | undefined;
  state: 'reserved' | 'released' | 'downloaded' | 'installed';
}

export interface SimulatedSmdp {
  /** Where Switchboard reaches MNO `mno`'s SM-DP+ (its ES2+ endpoint). */
  endpointOf(mno: string): string;
  /** Adds an MNO's SM-DP+: its ES2+ key and the PLMN its profiles' IMSIs are of. */
  add(mno: string, key: string, plmn: string): void;
  /** Where the operator takes notifications (Switchboard's API), once it listens. */
  notifyTo(api: string): void;
  /** What an MNO's SM-DP+ holds (tests): its orders by ICCID, with their matching ids. */
  orders(mno: string): ReadonlyMap<string, Readonly<Order>>;
  url: string;
  stop(): Promise<void>;
}

const readBody = async (req: IncomingMessage) => {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

const ok = (extra: Record<string, unknown> = {}) => ({ header: { functionExecutionStatus: { status: 'Executed-Success' } }, ...extra });
const failed = (subjectCode: string, reasonCode: string, message: string) => ({ header: { functionExecutionStatus: { status: 'Failed', statusCodeData: { subjectCode, reasonCode, message } } } });

/** A Luhn-valid ICCID from 89 with the MNO's issuer digits, made fresh. */
const freshIccid = () => {
  const body = `8949${Array.from(randomBytes(14), (b) => String(b % 10)).join('')}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
};

export const startSimulatedSmdp = async (log: (message: string) => void = () => undefined): Promise<SimulatedSmdp> => {
  const smdps = new Map<string, { key: string; plmn: string; orders: Map<string, Order>; sessions: Map<string, string> }>();
  let operator: string | undefined;
  let url = '';

  const notify = async (mno: string, order: Order, point: 1 | 3 | 4, outcome: 'Executed-Success' | { reasonCode: string; message: string }, eid = order.eid) => {
    const smdp = smdps.get(mno)!;
    if (!operator) return log(`SM-DP+ ${mno}: no operator to notify`);
    const body = JSON.stringify({
      header: { functionRequesterIdentifier: `smdp-${mno}`, functionCallIdentifier: randomBytes(8).toString('hex') },
      eid,
      iccid: order.iccid,
      profileType: 'iot-default',
      timestamp: new Date().toISOString(),
      notificationPointId: point,
      notificationPointStatus: outcome === 'Executed-Success' ? { status: outcome } : { status: 'Failed', statusCodeData: { subjectCode: '8.1.1', ...outcome } },
    });
    const timestamp = String(Date.now());
    try {
      const res = await fetch(`${operator}/v1/es2plus/${mno}/handleDownloadProgressInfo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-es2plus-timestamp': timestamp, 'x-es2plus-signature': signNotification(smdp.key, timestamp, body) },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status !== 200) log(`SM-DP+ ${mno}: the operator answered ${res.status} to a notification`);
    } catch (error) {
      log(`SM-DP+ ${mno}: notification not delivered (${(error as Error).message})`);
    }
  };

  const es2plus = (mno: string, fn: string, body: Record<string, unknown>) => {
    const smdp = smdps.get(mno)!;
    const callId = String((body.header as { functionCallIdentifier?: unknown } | undefined)?.functionCallIdentifier ?? '');
    if (fn === 'downloadOrder') {
      const eid = String(body.eid ?? '');
      const again = [...smdp.orders.values()].find((o) => o.callIds.has(callId));
      if (again) return ok({ iccid: again.iccid });
      const iccid = freshIccid();
      const imsi = `${smdp.plmn.replace('-', '')}${Array.from(randomBytes(10), (b) => String(b % 10)).join('')}`.slice(0, 15);
      smdp.orders.set(iccid, { iccid, imsi, eid, callIds: new Set([callId]), state: 'reserved' });
      return ok({ iccid });
    }
    if (fn === 'confirmOrder') {
      const order = smdp.orders.get(String(body.iccid ?? ''));
      if (!order) return failed('8.2.1', '3.9', 'unknown ICCID');
      if (order.eid !== body.eid) return failed('8.1.1', '3.10', 'the EID does not match the order');
      order.matchingId ??= randomBytes(12).toString('hex').toUpperCase();
      if (order.state === 'reserved') order.state = 'released';
      return ok({ eid: order.eid, matchingId: order.matchingId, smdpAddress: `${url.replace(/^https?:\/\//, '')}/smdp/${mno}` });
    }
    return undefined;
  };

  /** ES9+ for the device: authenticate (matching id, EID), the bound package, the installation's notification. */
  const es9plus = async (mno: string, fn: string, body: Record<string, unknown>) => {
    const smdp = smdps.get(mno)!;
    if (fn === 'authenticateClient') {
      const eid = String(body.eid ?? '');
      const order = [...smdp.orders.values()].find((o) => o.matchingId !== undefined && o.matchingId === body.matchingId);
      if (!order) return failed('8.2.6', '3.8', 'refused: unknown matching id');
      if (order.state !== 'released' || order.eid !== eid) {
        // A code used before, or presented by another eUICC: refused, and the operator told.
        const message = order.state !== 'released' ? 'refused: the activation code was used already' : 'refused: the profile is bound to another EID';
        await notify(mno, order, 1, { reasonCode: '3.8', message }, eid);
        return failed('8.2.6', '3.8', message);
      }
      const transactionId = randomBytes(8).toString('hex').toUpperCase();
      smdp.sessions.set(transactionId, order.iccid);
      await notify(mno, order, 1, 'Executed-Success');
      return ok({ transactionId });
    }
    const order = smdp.orders.get(smdp.sessions.get(String(body.transactionId ?? '')) ?? '');
    if (!order) return failed('8.2.6', '3.9', 'unknown transaction');
    if (fn === 'getBoundProfilePackage') {
      if (order.state !== 'released') return failed('8.2.6', '3.8', 'refused: the activation code was used already');
      order.state = 'downloaded';
      await notify(mno, order, 3, 'Executed-Success');
      return ok({ boundProfilePackage: { iccid: order.iccid, imsi: order.imsi, mno } });
    }
    if (fn === 'handleNotification') {
      const installed = body.installed === true;
      if (installed) order.state = 'installed';
      await notify(mno, order, 4, installed ? 'Executed-Success' : { reasonCode: '3.1', message: 'installation failed on the eUICC' });
      return ok();
    }
    return undefined;
  };

  const server: Server = createServer(async (req, res) => {
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const url = requestPath(req.url);
    if (!url) return reply(400, { error: 'the request target must be a path' });
    const m = /^\/smdp\/([a-z0-9-]+)\/gsma\/rsp2\/(es2plus|es9plus)\/(\w+)$/.exec(url.pathname);
    const smdp = m ? smdps.get(m[1]!) : undefined;
    if (!m || !smdp || req.method !== 'POST') return reply(404, { error: 'no such SM-DP+ function' });
    const body = await readBody(req);
    if (!body) return reply(400, failed('1.2', '2.1', 'the body is not JSON'));
    if (m[2] === 'es2plus' && req.headers['x-es2plus-key'] !== smdp.key) return reply(401, failed('1.1', '1.1', 'not an authorized operator'));
    const answer = m[2] === 'es2plus' ? es2plus(m[1]!, m[3]!, body) : await es9plus(m[1]!, m[3]!, body);
    return answer ? reply(200, answer) : reply(404, { error: `no function ${m[3]}` });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  return {
    url,
    endpointOf: (mno) => `${url}/smdp/${mno}`,
    add: (mno, key, plmn) => void (smdps.has(mno) || smdps.set(mno, { key, plmn, orders: new Map(), sessions: new Map() })),
    notifyTo: (api) => void (operator = api),
    orders: (mno) => smdps.get(mno)?.orders ?? new Map(),
    stop: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
};
