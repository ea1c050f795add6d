import { readFile } from 'node:fs/promises';
import { parseEventText } from '../events/index.js';
import type { ReplicationFailure } from '../events/types.js';
import { UsageError } from './errors.js';

/** Output sinks, injectable so commands are testable without touching the process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

export async function readTextFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code ?? error);
    throw new UsageError(`cannot read ${what} ${path}: ${reason}`);
  }
}

/**
 * Reads an event file in any envelope and returns its replication failures.
 * Any invalid record makes the whole file invalid: the CLI names the first bad field rather than guess.
 */
export async function readFailures(
  path: string,
): Promise<{ failures: ReplicationFailure[]; ignored: string[] }> {
  const records = parseEventText(await readTextFile(path, 'event file'));
  const failures: ReplicationFailure[] = [];
  const ignored: string[] = [];
  for (const record of records) {
    if (record.kind === 'invalid') {
      throw new UsageError(`invalid event in ${path}: ${record.error.message}`);
    }
    if (record.kind === 'ignored') ignored.push(record.reason);
    else failures.push(record.failure);
  }
  return { failures, ignored };
}
