import { Logger } from '@aws-lambda-powertools/logger';
import { readEnvironment } from '../../manifest/environment.ts';

/** Structured JSON logs. Never pass a token, key or activation code to it. */
export const logger = new Logger({ serviceName: 'switchboard', logLevel: readEnvironment().LOG_LEVEL });
