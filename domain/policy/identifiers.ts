import * as z from '../zod-mini.ts';

/** A policy id, chosen by the enterprise: 2–63 of a–z, 0–9 and -, not starting with -. */
export const PolicyId = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'a policy id is 2–63 of a–z, 0–9 and -, starting with a letter or digit'));

/**
 * A cascade id, made by the caller (the domain makes no ids). It names the cascade's workflow
 * execution, so it keeps to Step Functions' execution-name alphabet and length.
 */
export const CascadeId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/, 'a cascade id is 1–80 of A–Z, a–z, 0–9, _ and -'));
