import { Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** A reason an acknowledgement gives for a cdk-nag finding. Kept beside the resource it is about. */
export const acknowledge = (scope: Construct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });

export const XRAY_REASON =
  'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions: active tracing needs Resource "*" (granted by CDK for Tracing.ACTIVE).';
