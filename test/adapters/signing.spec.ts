import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SignatureRefused, signJson, verifyJson } from '../../adapters/signing/jws.ts';
import { fileSigner, memorySigner } from '../../adapters/signing/file-signer.ts';
import { derToRaw, kmsSigner } from '../../adapters/signing/kms-signer.ts';
import { EuiccPackage } from '../../domain/euicc/package.ts';
import { eid, iccid } from '../support/ids.ts';

/** Signed packages: ES256 JWS from a key that stays where it is (a file locally, KMS in AWS), verified with jose. */
const pkg: EuiccPackage = { eimId: 'switchboard', eid: eid(1), counter: 7, transactionId: '0a1b', psmos: [{ op: 'enable', iccid: iccid(1), rollback: true }] };

describe('signing eIM packages', () => {
  it('a package signed by the eIM key verifies with its public key, and gives back the package', async () => {
    const signer = memorySigner();
    const jws = await signJson(signer, pkg);
    expect(await verifyJson(jws, await signer.publicJwk(), EuiccPackage)).toEqual(pkg);
  });

  it('a package signed by another key, or changed after signing (its counter), is refused', async () => {
    const [eim, forger] = [memorySigner(), memorySigner()];
    await expect(verifyJson(await signJson(forger, pkg), await eim.publicJwk(), EuiccPackage)).rejects.toBeInstanceOf(SignatureRefused);
    const jws = await signJson(eim, pkg);
    const tampered = { ...jws, payload: Buffer.from(JSON.stringify({ ...pkg, counter: 8 })).toString('base64url') };
    await expect(verifyJson(tampered, await eim.publicJwk(), EuiccPackage)).rejects.toThrow('signature does not verify');
  });

  it('a validly signed payload that is not a package is refused too', async () => {
    const signer = memorySigner();
    await expect(verifyJson(await signJson(signer, { ...pkg, counter: 0 }), await signer.publicJwk(), EuiccPackage)).rejects.toThrow('malformed: counter');
  });

  it('the local eIM key is made once, kept 0600, and the same after a restart', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'eim-key-')), 'eim-key.json');
    const first = fileSigner(file, 'eim');
    const jws = await signJson(first, pkg);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await verifyJson(jws, await fileSigner(file, 'eim').publicJwk(), EuiccPackage)).toEqual(pkg);
    expect(JSON.stringify(await first.publicJwk())).not.toContain(JSON.parse(readFileSync(file, 'utf8')).d);
  });
});

describe('the KMS signer', () => {
  it('DER signatures (what KMS returns) become r‖s that verify, whatever their integers’ lengths', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (message) => {
        const raw = derToRaw(sign('sha256', message, { key: privateKey, dsaEncoding: 'der' }));
        return raw.length === 64 && verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw);
      }),
      { numRuns: 200 },
    );
    expect(() => derToRaw(new Uint8Array([0x31, 0]))).toThrow('not a DER');
  });

  it('signs through KMS Sign (ECDSA_SHA_256, RAW) and reads the public key once', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sent: string[] = [];
    // KMS cannot run on this machine: a stand-in that answers as KMS does (DER signatures, SPKI public key).
    const kms = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        sent.push(`${command.constructor.name} ${command.input.SigningAlgorithm ?? ''} ${command.input.MessageType ?? ''}`.trim());
        if (command.constructor.name === 'GetPublicKeyCommand') return { PublicKey: publicKey.export({ format: 'der', type: 'spki' }) };
        return { Signature: sign('sha256', command.input.Message as Uint8Array, { key: privateKey, dsaEncoding: 'der' }) };
      },
    };
    const signer = kmsSigner(kms as never, 'arn:aws:kms:eu-west-1:111122223333:key/eim');
    const jws = await signJson(signer, pkg);
    expect(await verifyJson(jws, await signer.publicJwk(), EuiccPackage)).toEqual(pkg);
    await signer.publicJwk();
    expect(sent).toEqual(['SignCommand ECDSA_SHA_256 RAW', 'GetPublicKeyCommand']);
  });
});
