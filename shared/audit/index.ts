/** Audit before failure: the diagnosis checks run for synthetic failures of every replication rule. */
export type { AccountReads, NotificationSettings, QueueNotification } from './account-reads.js';
export { createAccountReads } from './account-reads.js';
export type { AuditOptions } from './audit.js';
export { AuditListError, auditAccount } from './audit.js';
export { PROBE_KEY_NAME } from './probes.js';
export type { AuditProblem } from './problems.js';
export { auditProblems } from './problems.js';
export { renderAuditText } from './render.js';
export type * from './types.js';
export { GAP_KINDS, PROBE_KINDS } from './types.js';
