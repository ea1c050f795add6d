/**
 * `enroll` / `unenroll`: wire a source bucket's replication events to the intake queue, or take them off
 * again. Both documents S3 replaces whole are merged, shown as a diff, written, read back and checked.
 *
 * Replication metrics that enrol turns on are printed as a JSON record; `unenroll --rules-enabled-by-us`
 * with that record turns exactly those off again. Without it, unenroll leaves metrics on: other monitoring
 * may have come to rely on them, and nothing on the bucket says which rules enrol changed.
 */
import { parseArgs } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import { type EnrolOutcome, enrolBucket, unenrolBucket } from '../../enrol/execute.js';
import type { MetricsChange } from '../../enrol/types.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { createCliS3Client } from './retrigger.js';

type Env = Record<string, string | undefined>;

export interface EnrolDeps {
  s3?: S3Client;
  env?: Env;
}

export const ENROL_USAGE = `  s3-replication-doctor enroll --bucket B [--bucket B2 ...] --queue-arn ARN [--dry-run] [--region R]
      Make each bucket send its replication events to the queue: turn on replication metrics for every rule
      and add one notification entry, keeping everything else. Shows the diff, writes, reads back and checks.
      --dry-run shows the diff only. Prints the metrics it turned on, for an exact unenroll.
  s3-replication-doctor unenroll --bucket B [--bucket B2 ...] --queue-arn ARN [--rules-enabled-by-us JSON|IDS] [--dry-run] [--region R]
      Remove the notification entry enroll added for that queue; with --rules-enabled-by-us (as enroll printed it), also
      turn those rules' metrics back off. Without it metrics stay on.`;

const OPTIONS = {
  bucket: { type: 'string', multiple: true },
  'queue-arn': { type: 'string' },
  'dry-run': { type: 'boolean' },
  region: { type: 'string' },
  'notification-id': { type: 'string' },
  'rules-enabled-by-us': { type: 'string' },
} as const;

// S3 notifies standard queues only, and only in the bucket's region.
const QUEUE_ARN = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/;

/** Runs `enroll ...` or `unenroll ...` (argv[0] is the command); exit 0 done, 1 a bucket failed or was refused. */
export async function runEnrol(argv: string[], io: CliIo, deps: EnrolDeps = {}): Promise<number> {
  const [command, ...args] = argv;
  if (command !== 'enroll' && command !== 'unenroll')
    throw new UsageError(`unknown command "${command ?? ''}" (expected enroll or unenroll)`);
  const values = parseFlags(args);
  const buckets = [...new Set((values.bucket ?? []).map((bucket) => bucket.trim()))].filter(Boolean);
  if (buckets.length === 0) throw new UsageError('missing --bucket');
  const queueArn = values['queue-arn'];
  const queueRegion = queueArn === undefined ? undefined : parseQueueArn(queueArn);
  // Unenroll needs it too: only the entry sending to this queue is ours, another stack may share the Id.
  if (queueArn === undefined) throw new UsageError('missing --queue-arn');
  if (command === 'enroll' && values['rules-enabled-by-us'] !== undefined)
    throw new UsageError('--rules-enabled-by-us is for unenroll');
  const undo = command === 'unenroll' ? parseUndo(values['rules-enabled-by-us'], buckets) : new Map();
  const id = values['notification-id'];
  if (id !== undefined && id.trim() === '') throw new UsageError('empty --notification-id');

  const env = deps.env ?? process.env;
  const s3 = deps.s3 ?? createCliS3Client(resolveRegion(values.region ?? queueRegion, env), env);
  const dryRun = values['dry-run'] === true;
  let status = 0;
  for (const bucket of buckets) {
    try {
      const outcome =
        command === 'enroll'
          ? await enrolBucket(s3, bucket, { queueArn, ...(id ? { id } : {}) }, { dryRun })
          : await unenrolBucket(
              s3,
              bucket,
              { queueArn, ...(id ? { id } : {}), metricsChanges: undo.get(bucket) ?? [] },
              { dryRun },
            );
      if (!report(outcome, command, queueArn, io)) status = 1;
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      io.err(`error: ${name}: ${message}`);
      status = 1;
    }
  }
  return status;
}

function parseFlags(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function parseQueueArn(arn: string): string {
  const match = QUEUE_ARN.exec(arn);
  if (!match) throw new UsageError(`--queue-arn is not an SQS queue ARN: "${arn}"`);
  if (arn.endsWith('.fifo')) throw new UsageError('S3 cannot notify a FIFO queue; use a standard queue');
  return match[1] ?? '';
}

function resolveRegion(region: string | undefined, env: Env): string {
  const resolved = region || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!resolved) throw new UsageError('no region: pass --region or set AWS_REGION');
  return resolved;
}

/**
 * `--rules-enabled-by-us` as enroll prints it (a JSON list of `{ruleId, before}`), as the custom resource
 * returns it (JSON: bucket → list), or plain comma-separated rule IDs whose metrics were unset before.
 */
function parseUndo(raw: string | undefined, buckets: string[]): Map<string, MetricsChange[]> {
  const undo = new Map<string, MetricsChange[]>();
  if (raw === undefined) return undo;
  const text = raw.trim();
  if (text.startsWith('{')) {
    const parsed = parseJson(text);
    for (const [bucket, changes] of Object.entries(parsed as Record<string, unknown>))
      undo.set(bucket, readChanges(changes));
    return undo;
  }
  if (buckets.length > 1)
    throw new UsageError('--rules-enabled-by-us with several buckets must be JSON keyed by bucket');
  const changes = text.startsWith('[')
    ? readChanges(parseJson(text))
    : text
        .split(',')
        .map((ruleId) => ruleId.trim())
        .filter(Boolean)
        .map((ruleId) => ({ ruleId, before: null }));
  undo.set(buckets[0] ?? '', changes);
  return undo;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError('--rules-enabled-by-us is not valid JSON');
  }
}

function readChanges(value: unknown): MetricsChange[] {
  if (!Array.isArray(value))
    throw new UsageError('--rules-enabled-by-us: expected a list of {ruleId, before}');
  return value.map((item) => {
    const record = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const before = record.before;
    if (typeof record.ruleId !== 'string' || !(before === null || typeof before === 'object'))
      throw new UsageError(
        '--rules-enabled-by-us: each entry needs a ruleId and before (null or the old Metrics)',
      );
    return { ruleId: record.ruleId, before: before as MetricsChange['before'] };
  });
}

/** Prints one bucket's outcome; false when it was refused. */
function report(outcome: EnrolOutcome, command: 'enroll' | 'unenroll', queueArn: string, io: CliIo): boolean {
  const { bucket, plan } = outcome;
  io.out(`s3://${bucket}`);
  for (const change of plan.changes) io.out(`  change: ${change}`);
  for (const note of plan.notes) io.out(`  note: ${note}`);
  for (const conflict of plan.conflicts) io.out(`  conflict: ${conflict}`);
  if (outcome.diff) io.out(outcome.diff);
  switch (outcome.kind) {
    case 'refused':
      io.out(`Not ${command}ed: nothing was written.`);
      return false;
    case 'unchanged':
      io.out(command === 'enroll' ? 'Already enrolled: nothing to write.' : 'Nothing to remove.');
      return true;
    case 'dry-run':
      io.out('Dry run: nothing was written. Run again without --dry-run to apply.');
      return true;
    case 'applied':
      io.out(`Wrote the ${outcome.wrote.join(' and ')} configuration; read back and verified.`);
      if (command === 'enroll' && plan.metricsChanges.length > 0)
        io.out(
          `To undo exactly, including the metrics turned on here:\n  s3-replication-doctor unenroll --bucket ${bucket} --queue-arn ${queueArn} --rules-enabled-by-us ${shellQuote(JSON.stringify(plan.metricsChanges))}`,
        );
      return true;
    default: {
      const unknown: never = outcome;
      throw new Error(`unhandled outcome ${JSON.stringify(unknown)}`);
    }
  }
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
