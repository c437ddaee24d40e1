import type { TableDefinition } from '../tables.ts';

/**
 * The table of parked deliveries' events: one item per parked delivery, `pk` = the subscription's
 * stream id, `eventId`. Regional: deliveries run where events are published (the region that owns
 * publishing), so that is where they are parked and can be redelivered; a redelivery asked of the
 * other region finds no payload and says so (409). (Only a type import here: functions/tables.ts
 * can list it in TABLES without an import cycle.)
 */
export const WEBHOOK_DEAD_LETTERS_TABLE = {
  name: 'switchboard-webhook-dead-letters',
  envVar: 'WEBHOOK_DEAD_LETTERS_TABLE',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'eventId', type: 'S' },
  scope: 'regional',
} as const satisfies TableDefinition;
