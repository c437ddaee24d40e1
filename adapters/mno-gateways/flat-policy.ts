import type { PolicyDocument } from '../../domain/policy/document.ts';
import { MnoPermanentError } from '../../application/ports/mno-gateway.ts';

/**
 * The policy as CMPs think of it: one flat record of rules, ports as text ("443,8000-8099", "*"
 * for all). Each adapter only renames these fields into its CMP's wire format, so the
 * translation from Switchboard's model, and back for verification, is written once.
 */
export interface FlatPolicy {
  apns?: string[];
  destinations?: { cidr: string; ports: string; protocol: 'tcp' | 'udp' | 'any' }[];
  breakout?: boolean;
  smsMo?: string[];
  smsMt?: string[];
  countries?: string[];
  plmns?: string[];
  imeiLock?: boolean;
  dataCapMb?: number;
  smsCap?: number;
  vpn?: { peer: string; subnets: string[]; secretRef: string };
}

type Ports = NonNullable<NonNullable<NonNullable<PolicyDocument['data']>['destinations']>[number]['ports']>;

const portsText = (ports: Ports | undefined) => (ports === undefined ? '*' : ports.map(String).join(','));
const portsOf = (text: string): Ports | undefined =>
  text === '*' ? undefined : (text.split(',').map((p) => (p.includes('-') ? p : Number(p))) as Ports);

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export const flatten = (policy: PolicyDocument): FlatPolicy =>
  defined({
    apns: policy.data?.apns,
    destinations: policy.data?.destinations?.map((d) => {
      if (d.protocol === 'icmp') throw new MnoPermanentError('this CMP cannot express ICMP destinations');
      return { cidr: d.cidr, ports: portsText(d.ports), protocol: d.protocol };
    }),
    breakout: policy.data?.internetBreakout,
    smsMo: policy.sms?.mo,
    smsMt: policy.sms?.mt,
    countries: policy.roaming?.countries,
    plmns: policy.roaming?.plmns,
    imeiLock: policy.imeiLock,
    dataCapMb: policy.caps?.dataMbPerMonth,
    smsCap: policy.caps?.smsPerMonth,
    vpn: policy.vpn && { peer: policy.vpn.peer, subnets: policy.vpn.subnets, secretRef: policy.vpn.secretRef },
  });

const section = <T extends object>(o: T): T | undefined => {
  const kept = defined(o);
  return Object.keys(kept).length > 0 ? kept : undefined;
};

/** Back from what a CMP holds to Switchboard's model, for read-back verification. */
export const unflatten = (flat: FlatPolicy): PolicyDocument =>
  defined({
    data: section({
      apns: flat.apns,
      destinations: flat.destinations?.map((d) => defined({ cidr: d.cidr, protocol: d.protocol, ports: portsOf(d.ports) })),
      internetBreakout: flat.breakout,
    }),
    sms: section({ mo: flat.smsMo, mt: flat.smsMt }),
    roaming: section({ countries: flat.countries, plmns: flat.plmns }),
    imeiLock: flat.imeiLock,
    caps: section({ dataMbPerMonth: flat.dataCapMb, smsPerMonth: flat.smsCap }),
    vpn: flat.vpn,
  }) as PolicyDocument;
