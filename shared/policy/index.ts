export type * from './api.js';
export type * from './types.js';
export { evaluateAccess } from './access.js';
export { evaluatePolicies } from './evaluate.js';
