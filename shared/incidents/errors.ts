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

/**
 * A scheduled run that could not handle some incidents (each is logged with its reason). The run goes on
 * with the others, then fails as a whole, so the function's errors alarm fires and the run lands in its
 * dead-letter queue; the next scheduled run tries those incidents again.
 */
export class IncompleteRunError extends Error {
  override readonly name = 'IncompleteRunError';
}

export function throwIfIncomplete(report: { incidents: number; errors: number }, logLine: string): void {
  if (report.errors === 0) return;
  throw new IncompleteRunError(
    `${report.errors} of ${report.incidents} incident(s) could not be handled (see "${logLine}" in this log); the next run tries them again`,
  );
}
