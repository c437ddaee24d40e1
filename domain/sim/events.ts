import { z } from 'zod';
import { Eid, Iccid, Imei, Imsi, MnoId } from '../identifiers/index.ts';

export const Profile = z.object({
  iccid: Iccid,
  mno: MnoId,
  imsi: Imsi,
  fallback: z.boolean().default(false),
});
export type Profile = z.infer<typeof Profile>;

const Reason = z.string().max(500).optional();

/** A label the enterprise gives a SIM (fleet, site, product line…), for filtering lists. */
export const Label = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a label is 1–64 of a-z 0-9 . _ -, starting with a letter or digit');
export const Labels = z.array(Label).max(20, 'at most 20 labels');

/** Typed event definitions of the Sim aggregate: one schema per event type, the data it carries. */
export const SimEvents = {
  SimRegistered: z.object({ eid: Eid, profiles: z.array(Profile).min(1), imei: Imei.optional(), labels: Labels.optional() }),
  /** The SIM's labels, all of them, as they are from now on. */
  SimLabelsSet: z.object({ labels: Labels }),
  SimActivated: z.object({ reason: Reason }),
  SimSuspended: z.object({ reason: Reason }),
  SimResumed: z.object({ reason: Reason }),
  SimTerminationRequested: z.object({ requestedBy: z.string(), reason: Reason }),
  SimTerminationCancelled: z.object({ cancelledBy: z.string() }),
  SimTerminated: z.object({ requestedBy: z.string(), approvedBy: z.string() }),
  /** An MNO confirmed (read back) the state it holds for the SIM's profile: observed, not desired. */
  SimStateObserved: z.object({ mno: z.string(), state: z.enum(['active', 'suspended', 'terminated']) }),
} as const;

type Defs = typeof SimEvents;
export type SimEvent = { [K in keyof Defs]: { type: K; data: z.infer<Defs[K]> } }[keyof Defs];
