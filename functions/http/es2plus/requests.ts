import * as z from '../../../domain/zod-mini.ts';
import { Eid, Iccid } from '../../../domain/identifiers/index.ts';

/**
 * The ES2+ route's request schema: the handler parses with it and the OpenAPI document describes
 * it. Reads no environment.
 */

/** SGP.22 ES2+ HandleDownloadProgressInfo, as the SM-DP+ sends it. */
export const Notification = z.object({
  header: z.object({ functionRequesterIdentifier: z.string().check(z.maxLength(200)), functionCallIdentifier: z.string().check(z.maxLength(200)) }),
  eid: z.optional(Eid),
  iccid: Iccid,
  profileType: z.optional(z.string().check(z.maxLength(100))),
  timestamp: z.iso.datetime(),
  notificationPointId: z.int().check(z.gte(1), z.lte(99)),
  notificationPointStatus: z.object({
    status: z.enum(['Executed-Success', 'Failed']),
    statusCodeData: z.optional(
      z.object({
        subjectCode: z.optional(z.string().check(z.maxLength(20))),
        reasonCode: z.optional(z.string().check(z.maxLength(20))),
        message: z.optional(z.string().check(z.maxLength(300))),
      }),
    ),
  }),
});
