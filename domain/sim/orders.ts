import { DomainError } from '../errors.ts';
import type { DownloadPoint, Profile, SimEvent } from './events.ts';

/**
 * Profiles ordered from an MNO's SM-DP+ (GSMA SGP.22 ES2+), pure: an order is requested, then
 * placed (the profile `ordered`, its download trigger waiting for the device) or refused; the
 * device fetches the trigger once; the SM-DP+'s progress notifications move the profile to
 * `downloading` and, once installed, `disabled`. The device is handed the trigger (by the eIM,
 * signed) each time it asks until the SM-DP+ reports it came for the profile. The activation code
 * never enters the SIM's state.
 */
export interface ProfileOrder {
  orderId: string;
  mno: string;
  status: 'requested' | 'ordered' | 'failed';
  iccid?: string | undefined;
  reason?: string | undefined;
}

export interface OrderState {
  orders: readonly ProfileOrder[];
  /** ICCIDs whose download trigger waits for the device: ordered, and the SM-DP+ has not yet seen the device come for it. */
  triggers: readonly string[];
}

export const NO_ORDERS: OrderState = { orders: [], triggers: [] };

export type OrderCommand =
  /** `chosen`: the enterprise's MNOs (a profile may be ordered from them only). */
  | { type: 'RequestProfileOrder'; orderId: string; mno: string; chosen: readonly string[] }
  | { type: 'RecordProfileOrdered'; orderId: string; iccid: string }
  | { type: 'RecordProfileOrderFailed'; orderId: string; reason: string }
  | { type: 'RecordDownloadProgress'; iccid: string; point: DownloadPoint; ok: boolean; eid?: string | undefined; reason?: string | undefined };

type OrderEvent = Extract<SimEvent, { type: `Profile${string}` }>;

const live = (p: Profile) => p.state !== 'deleted';

export const decideOrder = (command: OrderCommand, sim: { status: string; profiles: readonly Profile[]; orders: OrderState }): OrderEvent[] => {
  const order = 'orderId' in command ? sim.orders.orders.find((o) => o.orderId === command.orderId) : undefined;
  switch (command.type) {
    case 'RequestProfileOrder': {
      if (order) return [];
      if (!command.chosen.includes(command.mno)) throw new DomainError('invalid', 'mno-not-chosen', `${command.mno} is not one of the enterprise's MNOs`);
      if (sim.profiles.some((p) => live(p) && p.mno === command.mno)) throw new DomainError('conflict', 'profile-on-mno-exists', `the SIM holds a profile on ${command.mno} already`);
      if (sim.orders.orders.some((o) => o.status === 'requested' && o.mno === command.mno)) throw new DomainError('conflict', 'order-in-progress', `a profile is being ordered from ${command.mno} already`);
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
    case 'RecordDownloadProgress': {
      const profile = sim.profiles.find((p) => p.iccid === command.iccid);
      if (!profile) throw new DomainError('not-found', 'profile-not-found', 'no profile of this SIM has this ICCID');
      // Every notification is recorded (a refused second download is what an operator must see); states only move forward.
      return [{ type: 'ProfileDownloadProgressed', data: { iccid: command.iccid, point: command.point, ok: command.ok, ...(command.eid && { eid: command.eid }), ...(command.reason && { reason: command.reason }) } }];
    }
  }
};

/** A profile's state after a progress notification: forward only (ordered → downloading → disabled), a failure changes nothing. */
const progressed = (state: Profile['state'], point: DownloadPoint, ok: boolean): Profile['state'] => {
  if (!ok || (state !== 'ordered' && state !== 'downloading')) return state;
  return point === 'installation' ? 'disabled' : 'downloading';
};

export const evolveOrder = <S extends { profiles: Profile[]; orders: OrderState }>(sim: S, event: OrderEvent): S => {
  const orders = sim.orders;
  const update = (orderId: string, change: Partial<ProfileOrder>) => orders.orders.map((o) => (o.orderId === orderId ? { ...o, ...change } : o));
  switch (event.type) {
    case 'ProfileOrderRequested':
      return { ...sim, orders: { ...orders, orders: [...orders.orders, { orderId: event.data.orderId, mno: event.data.mno, status: 'requested' }] } };
    case 'ProfileOrdered':
      return {
        ...sim,
        profiles: [...sim.profiles, { iccid: event.data.iccid, mno: event.data.mno, fallback: false, state: 'ordered' }],
        orders: { orders: update(event.data.orderId, { status: 'ordered', iccid: event.data.iccid }), triggers: [...orders.triggers, event.data.iccid] },
      };
    case 'ProfileOrderFailed':
      return { ...sim, orders: { ...orders, orders: update(event.data.orderId, { status: 'failed', reason: event.data.reason }) } };
    case 'ProfileDownloadProgressed':
      // The device came to the SM-DP+ with the code (or someone did): the trigger is not handed out again.
      return {
        ...sim,
        profiles: sim.profiles.map((p) => (p.iccid === event.data.iccid ? { ...p, state: progressed(p.state, event.data.point, event.data.ok) } : p)),
        orders: { ...orders, triggers: orders.triggers.filter((i) => i !== event.data.iccid) },
      };
  }
};
