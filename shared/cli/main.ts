import { parseArgs } from 'node:util';
import { runDemo } from './commands/demo.js';
import { runDiagnose } from './commands/diagnose.js';
import { runSnapshot } from './commands/snapshot.js';
import { UsageError } from './errors.js';
import { type CliIo, processIo } from './io.js';

const HELP = `s3-replication-doctor: finds why S3 replication failed and how to fix it.

Usage:
  s3-replication-doctor demo [--out DIR]
      Diagnose every bundled sample scenario offline; reports go to DIR (default demo-output).
  s3-replication-doctor diagnose --event FILE [--snapshot FILE] [--json] [--region R] [--destination-role ARN]
      Diagnose the replication event(s) in FILE (any envelope: S3, SQS, SNS, EventBridge).
      With --snapshot, replay a recorded account; without, read the live account (standard AWS credentials).
  s3-replication-doctor snapshot --event FILE --out FILE [--description TEXT] [--region R] [--destination-role ARN]
      Record the live reads a diagnosis of FILE makes, as an account snapshot.

Exit status: 0 done; 1 the diagnosis could not finish (AWS unavailable); 2 bad usage or invalid input.`;

type Flags = Record<string, string | boolean | undefined>;

function stringFlag(flags: Flags, name: string, required: true): string;
function stringFlag(flags: Flags, name: string, required?: false): string | undefined;
function stringFlag(flags: Flags, name: string, required = false): string | undefined {
  const value = flags[name];
  if (typeof value === 'string' && value.length > 0) return value;
  if (required) throw new UsageError(`missing --${name}`);
  return undefined;
}

function parseFlags(args: string[], names: Record<string, 'string' | 'boolean'>): Flags {
  const options = Object.fromEntries(Object.entries(names).map(([name, type]) => [name, { type }]));
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Flags;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function dispatch(command: string | undefined, args: string[], io: CliIo): Promise<number> {
  const common = { region: 'string', 'destination-role': 'string' } as const;
  switch (command) {
    case 'diagnose': {
      const flags = parseFlags(args, { event: 'string', snapshot: 'string', json: 'boolean', ...common });
      return runDiagnose(
        {
          event: stringFlag(flags, 'event', true),
          snapshot: stringFlag(flags, 'snapshot'),
          json: flags.json === true,
          region: stringFlag(flags, 'region'),
          destinationRole: stringFlag(flags, 'destination-role'),
        },
        io,
      );
    }
    case 'snapshot': {
      const flags = parseFlags(args, { event: 'string', out: 'string', description: 'string', ...common });
      return runSnapshot(
        {
          event: stringFlag(flags, 'event', true),
          out: stringFlag(flags, 'out', true),
          description: stringFlag(flags, 'description'),
          region: stringFlag(flags, 'region'),
          destinationRole: stringFlag(flags, 'destination-role'),
        },
        io,
      );
    }
    case 'demo': {
      const flags = parseFlags(args, { out: 'string', scenarios: 'string' });
      return runDemo(
        { out: stringFlag(flags, 'out') ?? 'demo-output', scenarios: stringFlag(flags, 'scenarios') },
        io,
      );
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(HELP);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}" (try: help)`);
  }
}

/** Runs one CLI invocation; returns the exit status. Errors become one line on stderr, never a stack trace. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...args] = argv;
  try {
    return await dispatch(command, args, io);
  } catch (error) {
    if (error instanceof UsageError || (error instanceof Error && error.name === 'SnapshotFormatError')) {
      io.err(`error: ${error.message}`);
      return 2;
    }
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    io.err(`error: ${name}: ${message}`);
    return 1;
  }
}
