/** Quoting for the `aws` CLI commands a fix prints: bucket names, keys and ARNs may hold any character. */

const SAFE = /^[A-Za-z0-9_\-.,/:=@+%]+$/;

/** One shell word: as is when it cannot be misread, otherwise single-quoted (`'` becomes `'\''`). */
export function shellQuote(value: string): string {
  if (SAFE.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `[flag]` or `[flag, value]`; values are quoted, flags are written as given. */
export type CliOption = readonly [flag: `--${string}`] | readonly [flag: `--${string}`, value: string];

/**
 * A command line: a fixed program part (`aws s3api put-bucket-versioning`) and its options. A value that
 * starts with `-` is attached with `=` so the CLI cannot take it for an option (keys may start with `-`).
 */
export function cli(program: string, ...options: CliOption[]): string {
  const words = [program];
  for (const [flag, value] of options) {
    if (value === undefined) words.push(flag);
    else if (value.startsWith('-')) words.push(`${flag}=${shellQuote(value)}`);
    else words.push(flag, shellQuote(value));
  }
  return words.join(' ');
}
