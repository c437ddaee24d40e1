import type { HttpRequest } from '../http-handler.ts';
import { pathParam } from '../path-params.ts';

export const policyParam = (request: HttpRequest) => pathParam(request, 'policyId');

export const versionParam = (request: HttpRequest) => pathParam(request, 'version');
