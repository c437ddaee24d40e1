import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '../../domain/zod-mini.ts';
import { SmdpError, type Es2Plus } from '../../application/ports/smdp.ts';
import { Iccid } from '../../domain/identifiers/index.ts';

/**
 * GSMA SGP.22 ES2+ (operator ↔ SM-DP+), as JSON over HTTPS: every request and response carries a
 * `header`; a response's `functionExecutionStatus` says whether the function ran. The caller is
 * authenticated with the MNO's ES2+ key (`X-Es2Plus-Key`, standing for the mutual TLS of a real
 * deployment); notifications the SM-DP+ sends back are signed with that key (HMAC-SHA256 over
 * `<timestamp>.<body>`), checked by `verifyNotification`.
 */
interface Status {
  status: string;
  statusCodeData?: { subjectCode?: string; reasonCode?: string; message?: string };
}


const TIMEOUT_MS = 10_000;

export const es2plusClient = (endpoint: string, key: string, requester = 'switchboard'): Es2Plus => {
  const call = async <T>(fn: string, callId: string, body: Record<string, unknown>): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${endpoint}/gsma/rsp2/es2plus/${fn}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-es2plus-key': key, 'x-admin-protocol': 'gsma/rsp/v2.5.0' },
        body: JSON.stringify({ header: { functionRequesterIdentifier: requester, functionCallIdentifier: callId }, ...body }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new SmdpError(`ES2+ ${fn}: no answer from the SM-DP+ (${(error as Error).name})`);
    }
    if (res.status >= 500) throw new SmdpError(`ES2+ ${fn}: the SM-DP+ answered ${res.status}`);
    const answer = (await res.json().catch(() => undefined)) as ({ header?: { functionExecutionStatus?: Status } } & T) | undefined;
    const status = answer?.header?.functionExecutionStatus;
    if (res.status !== 200 || !status) throw new SmdpError(`ES2+ ${fn}: the SM-DP+ answered ${res.status} without a function status`);
    if (!status.status.startsWith('Executed')) {
      const data = status.statusCodeData;
      throw new SmdpError(`ES2+ ${fn} failed: ${data?.subjectCode ?? '?'} ${data?.reasonCode ?? '?'} ${(data?.message ?? '').slice(0, 200)}`.trim());
    }
    return answer as T;
  };
  /** What the SM-DP+ answered, checked before Switchboard keys anything by it or makes an activation code of it. */
  const checked = <T>(fn: string, schema: z.ZodMiniType<T>, answer: unknown): T => {
    const parsed = schema.safeParse(answer);
    if (!parsed.success) throw new SmdpError(`ES2+ ${fn}: the SM-DP+'s answer is not well formed (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')})`);
    return parsed.data;
  };
  return {
    downloadOrder: async (callId, eid) => checked('downloadOrder', z.object({ iccid: Iccid }), await call('downloadOrder', callId, { eid })),
    confirmOrder: async (callId, iccid, eid) =>
      checked(
        'confirmOrder',
        z.object({ matchingId: z.string().check(z.regex(/^[0-9A-Za-z-]{1,64}$/)), smdpAddress: z.string().check(z.regex(/^[A-Za-z0-9.:/_-]{1,255}$/)) }),
        await call('confirmOrder', callId, { iccid, eid, releaseFlag: true }),
      ),
  };
};

/** How old (or early) a notification may be: a captured one replayed later is refused. */
export const NOTIFICATION_WINDOW_MS = 5 * 60_000;

export const signNotification = (key: string, timestamp: string, body: string) => createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex');

/** Whether a notification's signature is the MNO's and its time within the window. */
export const verifyNotification = (key: string, timestamp: string | undefined, signature: string | undefined, body: string, nowMs: number) => {
  if (!timestamp || !signature || !/^\d{10,13}$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(signature)) return false;
  if (Math.abs(nowMs - Number(timestamp)) > NOTIFICATION_WINDOW_MS) return false;
  const expected = Buffer.from(signNotification(key, timestamp, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
};
