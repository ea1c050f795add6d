/** An error the CLI reports as one line on stderr with exit status 2 (bad usage or bad input), never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
