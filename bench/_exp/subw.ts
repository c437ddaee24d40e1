export * from '../../functions/http/subscriptions/write.ts';
