import type { RouteKey } from '../../../../manifest/routes.ts';
import type { Operation } from '../operation.ts';
import { ALERT_OPERATIONS } from './alerts.ts';
import { BULK_OPERATIONS } from './bulk-operations.ts';
import { ENTERPRISE_OPERATIONS } from './enterprises.ts';
import { INBOUND_OPERATIONS } from './inbound.ts';
import { INTEGRATION_OPERATIONS } from './integrations.ts';
import { MNO_OPERATIONS } from './mnos.ts';
import { PLATFORM_OPERATIONS } from './platform.ts';
import { POLICY_OPERATIONS } from './policies.ts';
import { SIM_OPERATIONS } from './sims.ts';

/** What the OpenAPI document says of each route of the route table, by area. */
export const OPERATIONS: Record<RouteKey, Operation> = {
  ...PLATFORM_OPERATIONS,
  ...ENTERPRISE_OPERATIONS,
  ...MNO_OPERATIONS,
  ...SIM_OPERATIONS,
  ...POLICY_OPERATIONS,
  ...BULK_OPERATIONS,
  ...ALERT_OPERATIONS,
  ...INTEGRATION_OPERATIONS,
  ...INBOUND_OPERATIONS,
};
