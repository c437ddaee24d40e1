import type { PackageRefusal, Psmo, PsmoResult } from '../euicc/package.ts';
import type { Containment, ProfileInput } from './events.ts';
import type { OrderCommand } from './orders.ts';

/** Who asks: the verified subject of the caller's token. */
interface Issued {
  actor: string;
}

export type SimCommand =
  /**
   * `allowedMnos`: the MNOs the enterprise has chosen, each with its PLMNs (`262-91`); every profile
   * must name one of them, with an IMSI whose MCC-MNC is one of that MNO's PLMNs.
   */
  | (Issued & { type: 'RegisterSim'; eid: string; profiles: ProfileInput[]; imei?: string | undefined; labels?: string[] | undefined; allowedMnos: Readonly<Record<string, readonly string[]>> })
  | (Issued & { type: 'SetSimLabels'; labels: string[] })
  | (Issued & { type: 'ActivateSim'; reason?: string | undefined })
  /** `containment`: Switchboard suspends it on an alert (its guard); people release it. */
  | (Issued & { type: 'SuspendSim'; reason?: string | undefined; containment?: Containment | undefined })
  | (Issued & { type: 'ResumeSim'; reason?: string | undefined })
  /** Switchboard's guard quarantines an active SIM on an alert; people release it (ResumeSim). */
  | (Issued & { type: 'QuarantineSim'; reason?: string | undefined; containment: Containment })
  | (Issued & { type: 'RequestTermination'; reason?: string | undefined })
  | (Issued & { type: 'CancelTermination' })
  | (Issued & { type: 'ApproveTermination' })
  | (Issued & { type: 'RecordObservedState'; mno: string; state: 'active' | 'suspended' | 'terminated' | 'quarantined' })
  /** `transactionId`: fresh hex the caller chose (the domain draws nothing at random). */
  | (Issued & { type: 'QueueEimPackage'; transactionId: string; psmos: Psmo[] })
  /** What the eUICC's result says, once its signature was verified. */
  | (Issued & OrderCommand)
  | (Issued & { type: 'RecordEimPackageResult'; counter: number; transactionId: string; seq: number; outcome: { refused: PackageRefusal } | { results: PsmoResult[] } });
