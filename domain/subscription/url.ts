/**
 * Which webhook URLs Switchboard will call: the server-side request forgery (SSRF) stance.
 *
 * A subscription's URL is chosen by a tenant, and Switchboard's delivery worker calls it. So:
 * - `https:` only; no other scheme, no credentials in the URL (`user:pass@`, or a query parameter
 *   named like one: the URL is recorded in events, and the signature authenticates deliveries), no fragment.
 * - In https mode the host must not name this machine or a private network: IP literals in
 *   loopback, private (RFC 1918, ULA), link-local (incl. 169.254.169.254, the cloud metadata
 *   service), CGNAT, multicast, reserved or documentation ranges are refused, and so are names
 *   that only resolve inside a network (`localhost`, `*.local`, `*.internal`, single labels).
 * - A public name may still resolve to a private address (or be re-pointed later: DNS
 *   rebinding), so the same address rule is applied again at delivery time to every address the
 *   name resolves to, and the connection goes to the address that was checked
 *   (functions/webhooks/send.ts). Redirects are never followed.
 * - In AWS the delivery worker also runs outside any VPC, so it has no route to internal
 *   services whatever a URL says.
 * - Only with `loopback` mode (the local runtime sets SWITCHBOARD_ALLOW_HTTP_WEBHOOKS=loopback)
 *   may a URL use `http:`, and then only to 127.0.0.1, localhost or [::1].
 *
 * Pure: the mode is passed in, nothing is resolved here.
 */
export interface UrlPolicy {
  /** Allow http: (and https:) to 127.0.0.1, localhost and [::1]: the local runtime only. */
  allowLoopbackHttp: boolean;
}

export const MAX_URL_LENGTH = 2000;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const CREDENTIAL_PARAMETER = /token|secret|passw|api[-_]?key|^key$|auth|^sig(nature)?$|session/i;
const INTERNAL_NAME = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa|localdomain)$/i;

/** IPv4 ranges no webhook may reach: [network address, prefix length]. */
const BLOCKED_V4: readonly [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];

const v4Number = (address: string): number | undefined => {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
};

const inV4Range = (n: number, [base, bits]: readonly [string, number]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(v4Number(base)! / 2 ** (32 - bits));

/** The eight 16-bit groups of an IPv6 address (an embedded dotted IPv4 tail allowed), or undefined. */
const v6Groups = (address: string): number[] | undefined => {
  let text = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (text.includes('%')) return undefined;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const n = v4Number(tail[1]!);
    if (n === undefined) return undefined;
    text = text.slice(0, -tail[1]!.length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16));
};

export type AddressKind = 'public' | 'loopback' | 'private';

/** Whether an IP address (v4 or v6, brackets allowed) is public, loopback, or anything else a webhook must not reach. */
export const addressKind = (address: string): AddressKind | undefined => {
  const n = v4Number(address);
  if (n !== undefined) {
    if (inV4Range(n, ['127.0.0.0', 8])) return 'loopback';
    return BLOCKED_V4.some((r) => inV4Range(n, r)) ? 'private' : 'public';
  }
  const g = v6Groups(address);
  if (!g) return undefined;
  const v4Tail = () => addressKind(`${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`);
  if (g.slice(0, 7).every((x) => x === 0)) return g[7] === 1 ? 'loopback' : 'private'; // ::1, :: and ::a.b.c.d (deprecated)
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return v4Tail(); // IPv4-mapped
  if (g[0] === 0x64 && g[1] === 0xff9b) return v4Tail() === 'public' ? 'public' : 'private'; // NAT64
  if (g[0] === 0x2002) return addressKind(`${g[1]! >> 8}.${g[1]! & 255}.${g[2]! >> 8}.${g[2]! & 255}`) === 'public' ? 'public' : 'private'; // 6to4
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xffc0) === 0xfec0 || (first & 0xff00) === 0xff00) return 'private';
  if ((first === 0x2001 && g[1] === 0x0db8) || (first === 0x0100 && g[1] === 0 && g[2] === 0 && g[3] === 0)) return 'private';
  if (first === 0x2001 && g[1]! < 0x200) return 'private'; // 2001::/23: Teredo, benchmarking, ORCHID and other special purposes
  return 'public';
};

/** Whether the delivery worker may connect to this resolved address under the policy. */
export const addressAllowed = (address: string, policy: UrlPolicy) => {
  const kind = addressKind(address);
  return kind === 'public' || (kind === 'loopback' && policy.allowLoopbackHttp);
};

const isIpLiteral = (host: string) => v4Number(host) !== undefined || host.startsWith('[');

/**
 * Why a webhook URL is refused, or undefined when it may be subscribed. The parsed URL's `href` is
 * the form to store: the WHATWG parser has already normalised hosts (e.g. `http://2130706433/`
 * to 127.0.0.1), so the checks see what a client would connect to.
 */
export const webhookUrlProblem = (raw: string, policy: UrlPolicy): string | undefined => {
  if (raw.length > MAX_URL_LENGTH) return `a webhook URL has at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  const host = url.hostname.replace(/\.$/, '');
  const loopback = LOOPBACK_HOSTS.has(host);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowLoopbackHttp && loopback))
    return policy.allowLoopbackHttp ? 'a webhook URL uses https: (http: only to 127.0.0.1, localhost or [::1] on the local runtime)' : 'a webhook URL uses https:';
  if (url.username || url.password) return 'a webhook URL carries no credentials (user:password@)';
  const credential = [...url.searchParams.keys()].find((name) => CREDENTIAL_PARAMETER.test(name));
  if (credential) return `a webhook URL carries no credentials (query parameter ${credential.slice(0, 40)}): deliveries are signed instead`;
  if (url.hash || raw.includes('#')) return 'a webhook URL has no fragment';
  if (loopback && policy.allowLoopbackHttp) return undefined;
  if (isIpLiteral(host)) return addressKind(host) === 'public' ? undefined : 'a webhook URL may not point to a loopback, private, link-local or reserved address';
  if (!host.includes('.') || INTERNAL_NAME.test(host)) return 'a webhook URL names a public host (not localhost, *.local, *.internal or a single label)';
  return undefined;
};
