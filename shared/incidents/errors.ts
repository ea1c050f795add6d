import { LedgerError } from '../ledger/errors.js';

/**
 * The incident store could not be read or written (throttling, an unreachable table, writes left
 * unprocessed past the retry bound): the records should be retried from their queue. A `LedgerError`, as
 * incidents live in the ledger table.
 */
export class IncidentStoreError extends LedgerError {
  override readonly name: string = 'IncidentStoreError';
}

/** Writers kept changing the incident under us past the retry bound; retry the record later. */
export class IncidentConflictError extends IncidentStoreError {
  override readonly name = 'IncidentConflictError';
}

/** A call about an incident that is not in the table. */
export class IncidentNotFoundError extends IncidentStoreError {
  override readonly name = 'IncidentNotFoundError';
}

/** A call that cannot be stored as asked, e.g. failures without a cause to group them by. */
export class IncidentInputError extends IncidentStoreError {
  override readonly name = 'IncidentInputError';
}
