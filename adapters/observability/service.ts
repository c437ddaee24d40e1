/** The service every handler logs and measures as (Powertools' `service` dimension). Apart from metrics.ts, whose import makes the Metrics instance: a handler that counts nothing does not carry it. */
export const SERVICE_NAME = 'switchboard';

/** The CloudWatch namespace of Switchboard's own (EMF) metrics. */
export const METRICS_NAMESPACE = 'Switchboard';
