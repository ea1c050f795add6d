export { evaluateAccess } from './access.js';
export type * from './api.js';
export { evaluatePolicies } from './evaluate.js';
export type { KmsContextInput, S3ContextInput } from './replication-context.js';
export { kmsRequestContext, s3EncryptionContextArn, s3RequestContext } from './replication-context.js';
export type { TrustResult } from './trust.js';
export { trustAllowsService } from './trust.js';
export type * from './types.js';
