/** The ledger could not be read or written (throttling, an unreachable table): retry the record later. */
export class LedgerError extends Error {
  override readonly name: string = 'LedgerError';
}

/** Writers kept racing for the same item past the retry bound; the record should be retried later. */
export class LedgerConflictError extends LedgerError {
  override readonly name = 'LedgerConflictError';
}

/** A call that does not fit the item's state, e.g. completing an attempt that was never claimed. */
export class LedgerStateError extends LedgerError {
  override readonly name = 'LedgerStateError';
}
