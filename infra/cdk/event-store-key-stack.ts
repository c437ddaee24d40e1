import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/** The alias of the event store's customer-managed key, the same in every region. */
export const EVENT_STORE_KEY_ALIAS = 'alias/switchboard-events';

/**
 * The event store replica's customer-managed KMS key in the secondary region. It has its own
 * stack because it must exist before the primary stack creates the replica (which names it by
 * alias ARN), and the secondary regional stack must come after the replica (it reads the
 * replica's stream). Deploy order: this, the primary stack, the secondary stack.
 */
export class EventStoreKeyStack extends Stack {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    this.key = new Key(this, 'EventStoreKey', {
      alias: EVENT_STORE_KEY_ALIAS,
      description: 'Switchboard event store (global table replica): encryption at rest',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
