/**
 * Account snapshots for the audit: the seed setup (snapshot builder) plus the extra records an audit reads
 * (ListBuckets, each bucket's notification configuration, GetBucketReplication of the buckets without
 * replication). No failure event anywhere: the audit needs none.
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccountReads } from '../../shared/audit/account-reads.js';
import { auditAccount } from '../../shared/audit/audit.js';
import type { AuditReport, ProbeKind, RuleAudit } from '../../shared/audit/types.js';
import type { AwsCaller } from '../../shared/aws/caller.js';
import { createReads } from '../../shared/aws/reads.js';
import { createReplayCaller } from '../../shared/aws/replay-caller.js';
import { parseSnapshot, type Snapshot } from '../../shared/aws/snapshot.js';
import { DESTINATION_BUCKET, SOURCE_BUCKET } from '../support/seed-setup.js';
import type { AccountSnapshot, SnapshotBuilder, SnapshotCall } from '../support/snapshot-builder.js';

export const INTAKE_QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:s3-replication-doctor-prod-intake';
export const OTHER_QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:thumbnails';
export const UNREPLICATED_BUCKET = 'my-logs-bucket-use1';
export const AUDIT_TIME = new Date('2024-10-01T08:00:00.000Z');

/** The seed's source bucket as enrolment leaves it: its own Lambda notification, plus the intake queue. */
export function enrolledNotifications(queueArn = INTAKE_QUEUE_ARN): Record<string, unknown> {
  return {
    LambdaFunctionConfigurations: [
      {
        Id: 'thumbnails',
        LambdaFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:thumbnails',
        Events: ['s3:ObjectCreated:*'],
      },
    ],
    QueueConfigurations: [
      {
        Id: 's3-replication-doctor',
        QueueArn: queueArn,
        Events: ['s3:Replication:OperationFailedReplication'],
      },
    ],
  };
}

export const notEnrolledNotifications = (): Record<string, unknown> => ({
  QueueConfigurations: [{ Id: 'uploads', QueueArn: OTHER_QUEUE_ARN, Events: ['s3:ObjectCreated:*'] }],
});

export interface AccountOptions {
  notifications?: Record<string, unknown>;
}

const s3 = (
  command: string,
  input: Record<string, unknown>,
  answer: Record<string, unknown>,
): SnapshotCall =>
  'name' in answer && 'message' in answer
    ? { service: 'S3', command, input, error: answer as unknown as SnapshotCall['error'] & object }
    : { service: 'S3', command, input, output: answer };

/** The builder's snapshot plus the audit's account reads. */
export function auditSnapshot(
  builder: SnapshotBuilder,
  description: string,
  options: AccountOptions = {},
): AccountSnapshot {
  const built = builder.build(description);
  const noReplication = {
    name: 'ReplicationConfigurationNotFoundError',
    message: 'The replication configuration was not found',
    httpStatusCode: 404,
  };
  const extra: SnapshotCall[] = [
    s3(
      'ListBuckets',
      {},
      {
        Buckets: [SOURCE_BUCKET, DESTINATION_BUCKET, UNREPLICATED_BUCKET].map((Name) => ({
          Name,
          CreationDate: '2024-03-18T09:12:44.000Z',
        })),
        Owner: { ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' },
      },
    ),
    s3(
      'GetBucketNotificationConfiguration',
      { Bucket: SOURCE_BUCKET },
      options.notifications ?? enrolledNotifications(),
    ),
    s3('GetBucketReplication', { Bucket: DESTINATION_BUCKET }, noReplication),
    s3('GetBucketReplication', { Bucket: UNREPLICATED_BUCKET }, noReplication),
  ];
  return { ...built, calls: [...built.calls, ...extra] };
}

export function replay(snapshot: AccountSnapshot): AwsCaller {
  return createReplayCaller(parseSnapshot(JSON.parse(JSON.stringify(snapshot))) as Snapshot);
}

/** Every call the audit sends, to show what it never reads (the synthetic object). */
export function recording(caller: AwsCaller): {
  caller: AwsCaller;
  calls: { command: string; input: Record<string, unknown> }[];
} {
  const calls: { command: string; input: Record<string, unknown> }[] = [];
  return {
    calls,
    caller: {
      send(service, command, input, options) {
        calls.push({ command: `${service}:${command}`, input });
        return caller.send(service, command, input, options);
      },
    },
  };
}

export function runAuditOn(
  caller: AwsCaller,
  options: { buckets?: string[]; queueArn?: string } = { queueArn: INTAKE_QUEUE_ARN },
): Promise<AuditReport> {
  return auditAccount({
    reads: createReads(caller, { resolveBucketRegions: false }),
    account: createAccountReads(caller),
    ...(options.buckets ? { buckets: options.buckets } : {}),
    ...(options.queueArn ? { queueArn: options.queueArn } : {}),
    now: () => AUDIT_TIME,
  });
}

export function auditOf(
  snapshot: AccountSnapshot,
  options?: { buckets?: string[]; queueArn?: string },
): Promise<AuditReport> {
  return runAuditOn(replay(snapshot), options);
}

export function seedRule(report: AuditReport): RuleAudit {
  const rule = report.buckets.find((bucket) => bucket.bucket === SOURCE_BUCKET)?.rules[0];
  if (!rule) throw new Error(`no audited rule for ${SOURCE_BUCKET}`);
  return rule;
}

export function probe(rule: RuleAudit, kind: ProbeKind) {
  const found = rule.probes.find((entry) => entry.probe === kind);
  if (!found) throw new Error(`no ${kind} probe; probes: ${rule.probes.map((p) => p.probe).join(', ')}`);
  return found.diagnosis;
}

export async function writeSnapshotFile(snapshot: AccountSnapshot, name: string): Promise<string> {
  const path = join(tmpdir(), `audit-${process.pid}-${name}.json`);
  await writeFile(path, JSON.stringify(snapshot, null, 2));
  return path;
}
