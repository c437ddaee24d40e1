/** A tenant's webhook subscriptions, and the dead-letter list of one of them (tenant-namespaced like every stream). */
export const subscriptionsStream = (tenant: string) => `T#${tenant}#SUBSCRIPTIONS`;
export const subscriptionStream = (tenant: string, subscriptionId: string) => `T#${tenant}#SUBSCRIPTION#${subscriptionId}`;
