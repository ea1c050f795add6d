export { type AttemptLedgerOptions, createAttemptLedger } from './attempt-ledger.js';
export type {
  AttemptLedger,
  AttemptStatus,
  AttemptTarget,
  ClaimInput,
  ClaimResult,
  CompleteInput,
  CopyAttempt,
  CopyResultMarker,
  FailInput,
  FailResult,
  LedgerEntry,
} from './attempt-types.js';
export { LedgerConflictError, LedgerError, LedgerStateError } from './errors.js';
export { objectPartitionKey, objectVersionKey, versionSortKey } from './keys.js';
export { LEDGER_GSI1, LEDGER_TABLE_DEFINITION, LEDGER_TTL_ATTRIBUTE, ledgerTableInput } from './table.js';
