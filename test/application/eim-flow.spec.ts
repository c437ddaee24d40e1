import type { SignedJson } from '../../application/ports/eim-packages.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../adapters/event-store/memory-event-store.ts';
import { eimSigning, issueEuiccCertificate } from '../../adapters/signing/eim-signing.ts';
import { memorySigner } from '../../adapters/signing/file-signer.ts';
import { SignatureRefused } from '../../adapters/signing/jws.ts';
import { nextPackage, packageForDevice, queuePsmos, recordResult } from '../../application/sims/eim.ts';
import { registerSim } from '../../application/sims/register.ts';
import { simStream } from '../../application/stream-ids.ts';
import { loadState } from '../../application/load-state.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { simulatedEuicc } from '../../infra/local/devices/euicc-device.ts';
import { seedMnosAndTenants } from '../support/seed.ts';
import { eid, iccid, imsi } from '../support/ids.ts';

/**
 * The eIM flow end to end in one process: a profile switch is queued, the device's IPA fetches the
 * signed package, its eUICC runs it and signs the result, Switchboard verifies the result (the
 * eUICC's certificate from a trusted EUM, then its signature) and records it.
 */
const store = new MemoryEventStore();
const context = { actor: 'alice', correlationId: 'c', region: 'local' };
const eimKey = memorySigner(undefined, 'eim');
const eum = memorySigner(undefined, 'eum');
const signing = eimSigning({ eimId: 'switchboard', signer: eimKey, eums: async () => [await eum.publicJwk()] });
const EID = eid(77);
const [home, away] = [iccid(771), iccid(772)];

const device = async (attachable = (_: string) => true) => {
  const euicc = simulatedEuicc({
    eid: EID,
    eimId: 'switchboard',
    eimPublicJwk: await eimKey.publicJwk(),
    attachable,
    profiles: [
      { iccid: home, state: 'enabled', fallback: false },
      { iccid: away, state: 'disabled', fallback: true },
    ],
  });
  const certificate = await issueEuiccCertificate(eum, EID, await euicc.publicJwk());
  /** The IPA's poll: fetch the next package, hand it to the eUICC, send back its result. */
  const poll = async () => {
    const pkg = await packageForDevice(store, signing, noCodes, EID, await euicc.request(new Date()), certificate, Date.now());
    if (!pkg || !('package' in pkg)) return undefined;
    const result = await euicc.load(pkg.package);
    return { pkg, result, certificate, recorded: await recordResult(store, signing, EID, result, certificate, 'local') };
  };
  return { euicc, certificate, poll };
};
/** No profile is ordered in these tests: no activation code is ever asked for. */
const noCodes = { get: async () => undefined, put: async () => undefined, remove: async () => undefined };
const sim = async () => (await loadState(store, simDecider, simStream('acme', EID))).state;

beforeAll(async () => {
  await seedMnosAndTenants(store, ['north', 'south'], ['acme']);
  await registerSim(store, 'acme', { eid: EID, profiles: [{ iccid: home, mno: 'north', imsi: imsi(771), fallback: false }, { iccid: away, mno: 'south', imsi: imsi(772), fallback: true }] }, context);
});

describe('a profile switch through the eIM', () => {
  it('a device gets its packages only by a fresh request its own eUICC signed', async () => {
    const d = await device();
    const other = await device();
    const stale = await d.euicc.request(new Date(Date.now() - 10 * 60_000));
    await expect(packageForDevice(store, signing, noCodes, EID, stale, d.certificate, Date.now())).rejects.toMatchObject({ code: 'stale-request' });
    // Another eUICC's key under this EID's certificate: the signature does not hold.
    await expect(packageForDevice(store, signing, noCodes, EID, await other.euicc.request(new Date()), d.certificate, Date.now())).rejects.toBeInstanceOf(SignatureRefused);
    expect(await packageForDevice(store, signing, noCodes, EID, await d.euicc.request(new Date()), d.certificate, Date.now())).toBeUndefined();
  });

  it('queued, fetched signed, run by the eUICC, its signed result verified and recorded: the SIM’s enabled profile is the new one', async () => {
    const d = await device();
    await queuePsmos(store, 'acme', EID, [{ op: 'enable', iccid: away, rollback: true }], context);
    expect(await sim()).toMatchObject({ enabledProfile: home, eim: { counter: 1, pending: [{ counter: 1 }] } });
    const polled = await d.poll();
    expect(polled?.recorded.changed).toBe(true);
    expect(await sim()).toMatchObject({ enabledProfile: away, eim: { counter: 1, pending: [] } });
    expect(d.euicc.state().profiles.find((p) => p.state === 'enabled')?.iccid).toBe(away);
    // Nothing waits any more; the same result sent again records nothing.
    expect(await nextPackage(store, signing, noCodes, EID, new Date().toISOString())).toBeUndefined();
    expect((await recordResult(store, signing, EID, polled!.result, polled!.certificate, 'local')).changed).toBe(false);
  });

  it('an offline device gets its packages in order when it next polls; a rollback is recorded as such', async () => {
    const d = await device((profile) => profile !== home);
    // The eUICC is still where the last test left the real one? This one is fresh: bring it to the SIM's state first.
    await d.euicc.load(await signing.sign({ eimId: 'switchboard', eid: EID, counter: 1, transactionId: '01', psmos: [{ op: 'enable', iccid: away }] }));
    // Two packages while the device is offline.
    await queuePsmos(store, 'acme', EID, [{ op: 'enable', iccid: home, rollback: true }], context);
    await queuePsmos(store, 'acme', EID, [{ op: 'unsetFallbackAttribute', iccid: away }], context);
    const first = await d.poll();
    const second = await d.poll();
    expect([first?.recorded.state, second?.recorded.state]).toMatchObject([{ enabledProfile: away }, { enabledProfile: away, eim: { counter: 3, pending: [] } }]);
    const executed = (await store.load(simStream('acme', EID))).commits.flatMap((c) => c.events).filter((e) => e.type === 'EimPackageExecuted');
    expect(executed.slice(-2)).toMatchObject([
      { data: { counter: 2, results: [{ op: 'enable', iccid: home, outcome: 'rolled-back' }] } },
      { data: { counter: 3, results: [{ op: 'unsetFallbackAttribute', iccid: away, outcome: 'ok' }] } },
    ]);
    expect(await d.poll()).toBeUndefined();
  });

  it('a result from an eUICC no trusted EUM certified, or for another EID, is refused and records nothing', async () => {
    const d = await device();
    await queuePsmos(store, 'acme', EID, [{ op: 'setFallbackAttribute', iccid: home }], context);
    const pkg = (await nextPackage(store, signing, noCodes, EID, new Date().toISOString())) as { package: SignedJson };
    const result = await d.euicc.load(pkg.package);
    const rogueEum = memorySigner(undefined, 'rogue');
    const rogueCertificate = await issueEuiccCertificate(rogueEum, EID, await d.euicc.publicJwk());
    await expect(recordResult(store, signing, EID, result, rogueCertificate, 'local')).rejects.toBeInstanceOf(SignatureRefused);
    const otherEid = await issueEuiccCertificate(eum, eid(78), await d.euicc.publicJwk());
    await expect(recordResult(store, signing, EID, result, otherEid, 'local')).rejects.toThrow('another EID');
    expect((await sim()).status !== 'unregistered' && (await sim() as { eim: { pending: unknown[] } }).eim.pending).toHaveLength(1);
  });
});
