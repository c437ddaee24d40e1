export * from '../../functions/http/sims/lifecycle.ts';
