import { parseArgs } from 'node:util';
import { parseMode } from '../config.js';
import { AUDIT_USAGE, runAudit } from './commands/audit.js';
import { runDemo } from './commands/demo.js';
import { runDiagnose } from './commands/diagnose.js';
import { ENROL_USAGE, runEnrol } from './commands/enrol.js';
import { INCIDENTS_USAGE, runIncidents } from './commands/incidents.js';
import { runNotifyPreview } from './commands/notify.js';
import { runRetrigger } from './commands/retrigger.js';
import { runSnapshot } from './commands/snapshot.js';
import { UsageError } from './errors.js';
import { type CliIo, processIo } from './io.js';
import { previewActionHooks } from './preview-hooks.js';

const HELP = `s3-replication-doctor: finds why S3 replication failed and how to fix it.

Usage:
  s3-replication-doctor demo [--out DIR]
      Diagnose every bundled sample scenario offline; reports go to DIR (default demo-output).
  s3-replication-doctor diagnose --event FILE [--snapshot FILE] [--json] [--region R] [--destination-role ARN]
      Diagnose the replication event(s) in FILE (any envelope: S3, SQS, SNS, EventBridge).
      With --snapshot, replay a recorded account; without, read the live account (standard AWS credentials).
  s3-replication-doctor snapshot --event FILE --out FILE [--description TEXT] [--region R] [--destination-role ARN]
      Record the live reads a diagnosis of FILE makes, as an account snapshot.
  s3-replication-doctor notify --preview --event FILE --snapshot FILE [--mode plan|auto] [--out DIR]
      Print what would be sent for the event(s): one notification per distinct cause, as text and Slack JSON
      (with --out, also the SNS and webhook payloads). Nothing is sent.
  s3-replication-doctor retrigger --bucket B --key K [--version-id V] [--execute] [--region R]
      Re-trigger replication of one object by copying it in place. Dry run by default: prints the exact
      CopyObject request, or why it would refuse. --execute copies. Honours AWS_ENDPOINT_URL_S3.
${INCIDENTS_USAGE}
${AUDIT_USAGE}
${ENROL_USAGE}

Exit status: 0 done; 1 AWS unavailable; 2 bad usage or invalid input; audit: 3 problems found, 4 some checks could not run.`;

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
    case 'notify': {
      const flags = parseFlags(args, {
        preview: 'boolean',
        event: 'string',
        snapshot: 'string',
        mode: 'string',
        out: 'string',
      });
      if (flags.preview !== true)
        throw new UsageError('notify sends nothing from the command line: use notify --preview');
      const snapshot = stringFlag(flags, 'snapshot', true);
      return runNotifyPreview(
        {
          event: stringFlag(flags, 'event', true),
          snapshot,
          mode: parseMode(stringFlag(flags, 'mode')),
          ...(stringFlag(flags, 'out') ? { out: stringFlag(flags, 'out') } : {}),
        },
        io,
        await previewActionHooks(snapshot),
      );
    }
    case 'retrigger': {
      const flags = parseFlags(args, {
        bucket: 'string',
        key: 'string',
        'version-id': 'string',
        execute: 'boolean',
        region: 'string',
        'expected-bucket-owner': 'string',
      });
      return runRetrigger(
        {
          bucket: stringFlag(flags, 'bucket', true),
          key: stringFlag(flags, 'key', true),
          versionId: stringFlag(flags, 'version-id'),
          execute: flags.execute === true,
          region: stringFlag(flags, 'region'),
          expectedBucketOwner: stringFlag(flags, 'expected-bucket-owner'),
        },
        io,
      );
    }
    case 'incidents':
      return runIncidents(args, io);
    case 'audit':
      return runAudit(args, io);
    case 'enroll':
    case 'unenroll':
      return runEnrol([command, ...args], io);
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
    if (
      error instanceof UsageError ||
      (error instanceof Error && (error.name === 'SnapshotFormatError' || error.name === 'ConfigError'))
    ) {
      io.err(`error: ${error.message}`);
      return 2;
    }
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    io.err(`error: ${name}: ${message}`);
    return 1;
  }
}
