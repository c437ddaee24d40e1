import { DomainError } from '../errors.ts';
import type { DownloadPoint, Profile, SimEvent } from './events.ts';

/**
 * Profiles ordered from an MNO's SM-DP+ (GSMA SGP.22 ES2+), pure: an order is requested, then
 * placed (the profile `ordered`, its download trigger waiting for the device) or refused. The eIM
 * hands the trigger (signed) to the device once per fresh signed request of the device's (a
 * captured request replayed gets nothing) until the SM-DP+ reports the device came for it; its
 * progress notifications move the profile to `downloading` and, once installed, `disabled`; a
 * download or installation that fails on the device deletes the profile (it can be ordered again).
 * A notification that speaks of another EID (someone else presented the code) is recorded and
 * moves nothing; one already recorded (the SM-DP+'s retry, a replay) is not recorded again. The
 * activation code never enters the SIM's state.
 */
export interface ProfileOrder {
  orderId: string;
  mno: string;
  status: 'requested' | 'ordered' | 'failed';
  iccid?: string | undefined;
  reason?: string | undefined;
}

export interface OrderState {
  /** The latest orders (at most KEPT_ORDERS; the events keep them all). */
  orders: readonly ProfileOrder[];
  /** ICCIDs whose download trigger waits for the device: ordered, and the SM-DP+ has not yet seen the device come for it. */
  triggers: readonly string[];
  /** The time of the device's signed request that last got a trigger: a request not newer gets none. */
  lastTriggerRequestAt?: string | undefined;
  /** The SM-DP+'s recent notification call ids (a repeat is recorded once). */
  notifications: readonly string[];
}

export const NO_ORDERS: OrderState = { orders: [], triggers: [], notifications: [] };

/** Orders kept in the SIM's state, and notification ids remembered. */
const KEPT_ORDERS = 20;
const KEPT_NOTIFICATIONS = 50;
/** Profiles ordered and not yet installed a SIM may have at once (each holds a secret and an SM-DP+ reservation). */
export const MAX_PENDING_PROFILES = 2;

export type OrderCommand =
  /** `chosen`: the enterprise's MNOs (a profile may be ordered from them only). */
  | { type: 'RequestProfileOrder'; orderId: string; mno: string; chosen: readonly string[] }
  | { type: 'RecordProfileOrdered'; orderId: string; iccid: string }
  | { type: 'RecordProfileOrderFailed'; orderId: string; reason: string }
  /** A trigger handed to the device for its signed request made at `requestAt`. */
  | { type: 'RecordTriggerDelivered'; iccid: string; requestAt: string }
  | { type: 'RecordDownloadProgress'; iccid: string; point: DownloadPoint; ok: boolean; callId: string; eid?: string | undefined; reason?: string | undefined };

type OrderEvent = Extract<SimEvent, { type: `Profile${string}` }>;

const live = (p: Profile) => p.state !== 'deleted';
const pending = (p: Profile) => p.state === 'ordered' || p.state === 'downloading';

export const decideOrder = (command: OrderCommand, sim: { status: string; profiles: readonly Profile[]; orders: OrderState }): OrderEvent[] => {
  const order = 'orderId' in command ? sim.orders.orders.find((o) => o.orderId === command.orderId) : undefined;
  switch (command.type) {
    case 'RequestProfileOrder': {
      if (order) return [];
      if (!command.chosen.includes(command.mno)) throw new DomainError('invalid', 'mno-not-chosen', `${command.mno} is not one of the enterprise's MNOs`);
      if (sim.profiles.some((p) => live(p) && p.mno === command.mno)) throw new DomainError('conflict', 'profile-on-mno-exists', `the SIM holds a profile on ${command.mno} already`);
      if (sim.orders.orders.some((o) => o.status === 'requested' && o.mno === command.mno)) throw new DomainError('conflict', 'order-in-progress', `a profile is being ordered from ${command.mno} already`);
      const waiting = sim.profiles.filter(pending).length + sim.orders.orders.filter((o) => o.status === 'requested').length;
      if (waiting >= MAX_PENDING_PROFILES) throw new DomainError('conflict', 'orders-pending', `the SIM has ${waiting} profiles ordered and not yet installed: wait for them`);
      return [{ type: 'ProfileOrderRequested', data: { orderId: command.orderId, mno: command.mno } }];
    }
    case 'RecordProfileOrdered':
      if (!order) throw new DomainError('not-found', 'order-not-found', `no order ${command.orderId}`);
      if (order.status === 'ordered' && order.iccid === command.iccid) return [];
      if (order.status !== 'requested') throw new DomainError('conflict', 'order-settled', `order ${command.orderId} is ${order.status} already`);
      if (sim.profiles.some((p) => p.iccid === command.iccid)) throw new DomainError('conflict', 'iccid-in-use', 'the SIM holds a profile with this ICCID already');
      return [{ type: 'ProfileOrdered', data: { orderId: command.orderId, iccid: command.iccid, mno: order.mno } }];
    case 'RecordProfileOrderFailed':
      if (!order) throw new DomainError('not-found', 'order-not-found', `no order ${command.orderId}`);
      if (order.status !== 'requested') return [];
      return [{ type: 'ProfileOrderFailed', data: { orderId: command.orderId, mno: order.mno, reason: command.reason } }];
    case 'RecordTriggerDelivered': {
      if (!sim.orders.triggers.includes(command.iccid)) throw new DomainError('conflict', 'no-trigger', 'no download trigger waits for this profile');
      const last = sim.orders.lastTriggerRequestAt;
      if (last !== undefined && Date.parse(command.requestAt) <= Date.parse(last)) throw new DomainError('forbidden', 'request-not-fresh', 'a trigger was handed out for a request as recent: sign a new one');
      return [{ type: 'ProfileDownloadTriggerDelivered', data: { iccid: command.iccid, requestAt: command.requestAt } }];
    }
    case 'RecordDownloadProgress': {
      const profile = sim.profiles.find((p) => p.iccid === command.iccid);
      if (!profile) throw new DomainError('not-found', 'profile-not-found', 'no profile of this SIM has this ICCID');
      if (sim.orders.notifications.includes(command.callId)) return [];
      // Every other notification is recorded (a refused second download is what an operator must see); states only move forward.
      return [
        {
          type: 'ProfileDownloadProgressed',
          data: { iccid: command.iccid, point: command.point, ok: command.ok, callId: command.callId, ...(command.eid && { eid: command.eid }), ...(command.reason && { reason: command.reason }) },
        },
      ];
    }
  }
};

/** A profile's state after its own device's notification: forward only (ordered → downloading → disabled); a failure deletes one not yet installed. */
const progressed = (state: Profile['state'], point: DownloadPoint, ok: boolean): Profile['state'] => {
  if (state !== 'ordered' && state !== 'downloading') return state;
  if (!ok) return 'deleted';
  return point === 'installation' ? 'disabled' : 'downloading';
};

export const evolveOrder = <S extends { profiles: Profile[]; orders: OrderState }>(sim: S, event: OrderEvent): S => {
  const orders = sim.orders;
  const update = (orderId: string, change: Partial<ProfileOrder>) => orders.orders.map((o) => (o.orderId === orderId ? { ...o, ...change } : o));
  switch (event.type) {
    case 'ProfileOrderRequested':
      return { ...sim, orders: { ...orders, orders: [...orders.orders, { orderId: event.data.orderId, mno: event.data.mno, status: 'requested' as const }].slice(-KEPT_ORDERS) } };
    case 'ProfileOrdered':
      return {
        ...sim,
        profiles: [...sim.profiles, { iccid: event.data.iccid, mno: event.data.mno, fallback: false, state: 'ordered' }],
        orders: { ...orders, orders: update(event.data.orderId, { status: 'ordered', iccid: event.data.iccid }), triggers: [...orders.triggers, event.data.iccid] },
      };
    case 'ProfileOrderFailed':
      return { ...sim, orders: { ...orders, orders: update(event.data.orderId, { status: 'failed', reason: event.data.reason }) } };
    case 'ProfileDownloadTriggerDelivered':
      return { ...sim, orders: { ...orders, lastTriggerRequestAt: event.data.requestAt } };
    case 'ProfileDownloadProgressed': {
      const notifications = [...orders.notifications, ...(event.data.callId ? [event.data.callId] : [])].slice(-KEPT_NOTIFICATIONS);
      // Someone else presented the code: recorded, nothing moves.
      if (event.data.eid !== undefined) return { ...sim, orders: { ...orders, notifications } };
      // Its own device came for it: the trigger is not handed out again.
      return {
        ...sim,
        profiles: sim.profiles.map((p) => (p.iccid === event.data.iccid ? { ...p, state: progressed(p.state, event.data.point, event.data.ok) } : p)),
        orders: { ...orders, notifications, triggers: orders.triggers.filter((i) => i !== event.data.iccid) },
      };
    }
  }
};
