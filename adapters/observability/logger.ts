import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs. Never pass a token, key or activation code to it. */
export const logger = new Logger({ serviceName: 'switchboard', logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'WARN' });
