/**
 * `audit`: finds broken replication before the first object fails. Usable in CI/CD: the exit status says
 * whether every rule is healthy.
 */
import { parseArgs } from 'node:util';
import { createAccountReads } from '../../audit/account-reads.js';
import { AuditListError, auditAccount } from '../../audit/audit.js';
import { renderAuditText } from '../../audit/render.js';
import { withAccountCommands } from '../../aws/account-commands.js';
import type { AwsCaller } from '../../aws/caller.js';
import { createLiveCaller } from '../../aws/live-caller.js';
import { createReads } from '../../aws/reads.js';
import { createReplayCaller } from '../../aws/replay-caller.js';
import { readSnapshotFile } from '../../aws/snapshot.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

export const AUDIT_USAGE = `  s3-replication-doctor audit [--bucket B ...] [--queue-arn ARN] [--json] [--snapshot FILE] [--region R] [--destination-role ARN]
      Checks every rule of every replicated bucket (or the named ones) without waiting for a failure: would a
      plain object, an SSE-KMS object, a tagged object and a delete marker replicate? Also reports metrics off,
      rules disabled and buckets not enrolled (sending no replication events to --queue-arn; without it, to
      any queue). With --snapshot, replays a recorded account. Exit status: 0 every rule healthy; 3 problems
      found; 4 no problem found but some checks could not run; 1 AWS unavailable; 2 bad usage.`;

export const AUDIT_EXIT = { healthy: 0, unavailable: 1, usage: 2, problems: 3, inconclusive: 4 } as const;

export interface AuditDeps {
  /** The AWS seam, for tests; default: the snapshot's replay or the live account. */
  caller?: AwsCaller;
  env?: Record<string, string | undefined>;
  now?: () => Date;
}

interface AuditFlags {
  buckets: string[];
  queueArn?: string;
  json: boolean;
  snapshot?: string;
  region?: string;
  destinationRole?: string;
}

function parseAuditArgs(argv: string[]): AuditFlags {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        bucket: { type: 'string', multiple: true },
        'queue-arn': { type: 'string' },
        json: { type: 'boolean' },
        snapshot: { type: 'string' },
        region: { type: 'string' },
        'destination-role': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = (name: string): string | undefined => {
    const value = values[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`empty --${name}`);
    return value.trim();
  };
  const buckets = ((values.bucket as string[] | undefined) ?? []).flatMap((entry) => entry.split(','));
  const named = buckets.map((bucket) => bucket.trim());
  if (named.some((bucket) => bucket === '')) throw new UsageError('empty --bucket');
  const queueArn = text('queue-arn');
  if (queueArn && !/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:.+$/.test(queueArn))
    throw new UsageError(`--queue-arn must be an SQS queue ARN, got "${queueArn}"`);
  const flags: AuditFlags = { buckets: named, json: values.json === true };
  if (queueArn) flags.queueArn = queueArn;
  const snapshot = text('snapshot');
  if (snapshot) flags.snapshot = snapshot;
  const region = text('region');
  if (region) flags.region = region;
  const destinationRole = text('destination-role');
  if (destinationRole) flags.destinationRole = destinationRole;
  return flags;
}

async function callerFor(
  flags: AuditFlags,
  region: string | undefined,
): Promise<{ caller: AwsCaller; resolveBucketRegions: boolean }> {
  if (flags.snapshot) {
    const snapshot = await readSnapshotFile(flags.snapshot);
    // As `snapshotReads`: region lookups only matter when some record names a region.
    const regionScoped = snapshot.calls.some((record) => record.region !== undefined);
    return {
      caller: createReplayCaller(snapshot, region ? { region } : {}),
      resolveBucketRegions: regionScoped,
    };
  }
  if (!region) throw new UsageError('no region: pass --region or set AWS_REGION');
  const live = createLiveCaller({
    region,
    ...(flags.destinationRole ? { destinationRoleArn: flags.destinationRole } : {}),
  });
  return { caller: withAccountCommands(live, region), resolveBucketRegions: true };
}

/** Runs `audit ...`; returns the exit status (see AUDIT_USAGE). */
export async function runAudit(argv: string[], io: CliIo, deps: AuditDeps = {}): Promise<number> {
  const env = deps.env ?? process.env;
  try {
    const flags = parseAuditArgs(argv);
    const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    const { caller, resolveBucketRegions } = deps.caller
      ? { caller: deps.caller, resolveBucketRegions: false }
      : await callerFor(flags, region);
    const report = await auditAccount({
      reads: createReads(caller, { resolveBucketRegions, ...(region ? { sourceRegion: region } : {}) }),
      account: createAccountReads(caller),
      ...(flags.buckets.length > 0 ? { buckets: flags.buckets } : {}),
      ...(flags.queueArn ? { queueArn: flags.queueArn } : {}),
      ...(region ? { region } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    });
    io.out(flags.json ? JSON.stringify(report, null, 2) : renderAuditText(report));
    if (report.problems > 0) return AUDIT_EXIT.problems;
    return report.inconclusive > 0 ? AUDIT_EXIT.inconclusive : AUDIT_EXIT.healthy;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof Error && error.name === 'SnapshotFormatError')) {
      io.err(`error: ${error.message}`);
      return AUDIT_EXIT.usage;
    }
    if (error instanceof AuditListError) {
      io.err(`error: ${error.message}`);
      return AUDIT_EXIT.unavailable;
    }
    throw error;
  }
}
