import { describe, expect, it } from 'vitest';
import { memorySigner } from '../../adapters/signing/file-signer.ts';
import { SignatureRefused, signJson, verifyJson } from '../../adapters/signing/jws.ts';
import { EuiccPackageResult, type EuiccPackage } from '../../domain/euicc/package.ts';
import { simulatedEuicc } from '../../infra/local/devices/euicc-device.ts';
import { eid, iccid } from '../support/ids.ts';

/** The simulated device: checks the eIM's signature and the counter, runs the PSMOs, and signs what it did with its own key. */
const eim = memorySigner(undefined, 'eim');
const EID = eid(3);
const [home, away] = [iccid(31), iccid(32)];
const device = async (attachable = (_: string) => true) =>
  simulatedEuicc({
    eid: EID,
    eimId: 'switchboard',
    eimPublicJwk: await eim.publicJwk(),
    attachable,
    profiles: [
      { iccid: home, state: 'enabled', fallback: false },
      { iccid: away, state: 'disabled', fallback: true },
    ],
  });
const pkg = (counter: number, psmos: EuiccPackage['psmos']): EuiccPackage => ({ eimId: 'switchboard', eid: EID, counter, transactionId: counter.toString(16).padStart(2, '0'), psmos });
const answer = async (d: Awaited<ReturnType<typeof device>>, jws: Awaited<ReturnType<typeof signJson>>) => verifyJson(await d.load(jws), await d.publicJwk(), EuiccPackageResult);

describe('a simulated eUICC', () => {
  it('runs a package the eIM signed and answers with a result its own key signed', async () => {
    const d = await device();
    const result = await answer(d, await signJson(eim, pkg(1, [{ op: 'enable', iccid: away }])));
    expect(result).toMatchObject({ eid: EID, counter: 1, seq: 1, outcome: { results: [{ op: 'enable', iccid: away, outcome: 'ok' }] } });
    expect(d.state().profiles.find((p) => p.state === 'enabled')?.iccid).toBe(away);
    // The result is the eUICC's: the eIM's key does not verify it.
    await expect(verifyJson(await d.load(await signJson(eim, pkg(2, [{ op: 'enable', iccid: home }]))), await eim.publicJwk(), EuiccPackageResult)).rejects.toBeInstanceOf(SignatureRefused);
  });

  it('refuses a package signed by another key, and one replayed, running nothing', async () => {
    const d = await device();
    const forged = await answer(d, await signJson(memorySigner(), pkg(1, [{ op: 'enable', iccid: away }])));
    expect(forged.outcome).toEqual({ refused: 'invalid-signature' });
    const first = await signJson(eim, pkg(1, [{ op: 'enable', iccid: away }]));
    await answer(d, first);
    await answer(d, await signJson(eim, pkg(2, [{ op: 'enable', iccid: home }])));
    expect((await answer(d, first)).outcome).toEqual({ refused: 'replay' });
    expect(d.state().profiles.find((p) => p.state === 'enabled')?.iccid).toBe(home);
  });

  it('rolls back an enable whose profile cannot attach (its MNO is down), and says so', async () => {
    const d = await device((profile) => profile !== away);
    const result = await answer(d, await signJson(eim, pkg(1, [{ op: 'enable', iccid: away, rollback: true }])));
    expect(result.outcome).toEqual({ results: [{ op: 'enable', iccid: away, outcome: 'rolled-back' }] });
    expect(d.state().profiles.find((p) => p.state === 'enabled')?.iccid).toBe(home);
    expect(d.state().counter).toBe(1);
  });
});
