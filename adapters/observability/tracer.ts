import { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from './service.ts';

/**
 * X-Ray tracing (Powertools). Active in Lambda (the functions have active tracing); outside it
 * (the local runtime, tests) Powertools turns itself off and `traced` hands the client back as it is.
 */
export const tracer = new Tracer({ serviceName: SERVICE_NAME });

/** An AWS SDK v3 client whose calls appear as subsegments of the invocation's trace. */
export const traced = <T>(client: T): T => tracer.captureAWSv3Client(client);
