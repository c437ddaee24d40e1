export * from '../../functions/workflow/apply-to-mno.ts';
