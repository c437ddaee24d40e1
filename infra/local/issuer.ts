import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

/** The development issuer's identity: what the local gateway trusts, as API Gateway trusts a real IdP. */
export const LOCAL_ISSUER = 'https://issuer.switchboard.local';
export const LOCAL_AUDIENCE = 'switchboard-api';
const ALG = 'ES256';

export interface TokenRequest {
  subject: string;
  tenant?: string | undefined;
  scopes: string[];
  ttlSeconds?: number | undefined;
}

export interface LocalIssuer {
  issuer: string;
  audience: string;
  /** The public keys, as the issuer's JWKS endpoint would serve them. */
  jwks: { keys: JWK[] };
  sign(request: TokenRequest): Promise<string>;
}

/**
 * The development issuer's ES256 key pair lives in `<dataDir>/issuer/`, created on first use
 * (private key file mode 0600), so tokens from `npm run token` are accepted by `npm start` and
 * survive restarts.
 */
export const localIssuer = async (dataDir: string): Promise<LocalIssuer> => {
  const dir = join(dataDir, 'issuer');
  const file = join(dir, 'signing-key.jwk.json');
  let privateJwk: JWK;
  try {
    privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } catch {
    const { privateKey } = await generateKeyPair(ALG, { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)), alg: ALG, use: 'sig', kid: `local-${Date.now().toString(36)}` };
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600, flag: 'wx' });
    } catch {
      privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK; // another process created it first
    }
  }
  const { d: _private, ...publicJwk } = privateJwk;
  const key = await importJWK(privateJwk, ALG);
  return {
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    jwks: { keys: [publicJwk] },
    sign: ({ subject, tenant, scopes, ttlSeconds = 3600 }) =>
      new SignJWT({ scope: scopes.join(' '), ...(tenant && { tenant }) })
        .setProtectedHeader({ alg: ALG, kid: privateJwk.kid!, typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
        .sign(key),
  };
};
