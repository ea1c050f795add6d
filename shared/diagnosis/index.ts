/** The diagnosis engine: failure reasons → checks → causes → fixes. Pure: it reads only through `DiagnosisReads`. */
export type { BatchOptions, BatchResult } from './batch.js';
export { diagnoseBatch, groupKey } from './batch.js';
export type { CheckName, CheckResult } from './check-names.js';
export { CHECK_NAMES } from './check-names.js';
export { diagnose, diagnosisFailure } from './diagnose.js';
export type { ActionFocus, CheckPlan, PlanKind, S3Action } from './plans.js';
export { planFor } from './plans.js';
export type * from './reads.js';
export { TransientReadError } from './reads.js';
export type { RequiredAction } from './required-actions.js';
export { requiredActions } from './required-actions.js';
export type * from './types.js';
export { LOCATIONS, PROBLEMS } from './types.js';
