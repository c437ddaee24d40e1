export * from '../../functions/http/sims/get.ts';
