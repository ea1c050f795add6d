import {
  GetBucketNotificationConfigurationCommand,
  GetBucketReplicationCommand,
  type NotificationConfiguration,
  PutBucketNotificationConfigurationCommand,
  PutBucketReplicationCommand,
  type ReplicationConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import { readAwsErrorFields } from '../aws/sdk-error.js';
import { documentText, unifiedDiff } from './diff.js';
import { differingPaths, withoutMetadata } from './documents.js';
import { EnrolS3Error, EnrolVerificationError } from './errors.js';
import { planEnrolment, planUnenrolment } from './plan.js';
import type { BucketEnrolmentState, EnrolmentPlan, EnrolmentTarget, UnenrolmentTarget } from './types.js';

export interface EnrolOptions {
  /** Plan and show the diff; write nothing. */
  dryRun?: boolean;
  /** Waits between read-backs; injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Once aborted, no further write is sent (the caller gave up, e.g. at its deadline). */
  signal?: AbortSignal;
}

// S3 may briefly return the old document after a PUT: read back again with backoff, ~30 s in all.
const VERIFY_RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000];

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Document = 'replication' | 'notification';

interface OutcomeBase {
  bucket: string;
  plan: EnrolmentPlan;
  /** Unified diff of both documents, current → planned; empty when nothing changes. */
  diff: string;
}

export type EnrolOutcome =
  | (OutcomeBase & { kind: 'applied'; wrote: Document[] })
  | (OutcomeBase & { kind: 'unchanged' })
  | (OutcomeBase & { kind: 'dry-run' })
  /** `plan.conflicts` says why; nothing was written. */
  | (OutcomeBase & { kind: 'refused' });

/**
 * Makes a bucket send its replication events to the queue: metrics on for every rule, then our notification
 * entry (so no event is lost to a rule without metrics), then reads both back and checks them.
 */
export async function enrolBucket(
  s3: S3Client,
  bucket: string,
  target: EnrolmentTarget,
  options: EnrolOptions = {},
): Promise<EnrolOutcome> {
  const current = await readEnrolmentState(s3, bucket);
  return apply(s3, bucket, current, planEnrolment(current, target), ['replication', 'notification'], options);
}

/** Removes exactly what enrol added: our entry first (no more events), then the metrics it was told of. */
export async function unenrolBucket(
  s3: S3Client,
  bucket: string,
  target: UnenrolmentTarget,
  options: EnrolOptions = {},
): Promise<EnrolOutcome> {
  const current = await readEnrolmentState(s3, bucket);
  return apply(
    s3,
    bucket,
    current,
    planUnenrolment(current, target),
    ['notification', 'replication'],
    options,
  );
}

export async function readEnrolmentState(s3: S3Client, bucket: string): Promise<BucketEnrolmentState> {
  const notification = await call(bucket, 'GetBucketNotificationConfiguration', () =>
    s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket })),
  );
  const replication = await call(bucket, 'GetBucketReplication', async () => {
    try {
      const output = await s3.send(new GetBucketReplicationCommand({ Bucket: bucket }));
      return output.ReplicationConfiguration ?? null;
    } catch (error) {
      if (readAwsErrorFields(error).name === 'ReplicationConfigurationNotFoundError') return null;
      throw error;
    }
  });
  return { notification: withoutMetadata(notification), replication };
}

async function apply(
  s3: S3Client,
  bucket: string,
  current: BucketEnrolmentState,
  plan: EnrolmentPlan,
  order: Document[],
  options: EnrolOptions,
): Promise<EnrolOutcome> {
  const planned = plannedDocuments(current, plan);
  const diff = describeDiff(bucket, current, planned);
  if (plan.conflicts.length > 0) return { kind: 'refused', bucket, plan, diff: diff.text };
  const toWrite = order.filter((document) =>
    document === 'replication' ? plan.replication !== undefined : diff.notification !== '',
  );
  const base = { bucket, plan, diff: diff.text };
  if (toWrite.length === 0) return { kind: 'unchanged', ...base };
  if (options.dryRun) return { kind: 'dry-run', ...base };
  for (const document of toWrite) {
    options.signal?.throwIfAborted();
    if (document === 'replication' && plan.replication)
      await putReplication(s3, bucket, plan.replication, options.signal);
    if (document === 'notification') await putNotification(s3, bucket, plan.notification, options.signal);
  }
  await verify(s3, bucket, planned, options.sleep ?? realSleep);
  return { kind: 'applied', ...base, wrote: toWrite };
}

function plannedDocuments(current: BucketEnrolmentState, plan: EnrolmentPlan): BucketEnrolmentState {
  return { notification: plan.notification, replication: plan.replication ?? current.replication };
}

function describeDiff(
  bucket: string,
  current: BucketEnrolmentState,
  planned: BucketEnrolmentState,
): { text: string; notification: string; replication: string } {
  const notification = unifiedDiff(documentText(current.notification), documentText(planned.notification), {
    before: `s3://${bucket} notification configuration (now)`,
    after: `s3://${bucket} notification configuration (planned)`,
  });
  const replication = unifiedDiff(documentText(current.replication), documentText(planned.replication), {
    before: `s3://${bucket} replication configuration (now)`,
    after: `s3://${bucket} replication configuration (planned)`,
  });
  return { text: [replication, notification].filter(Boolean).join('\n'), notification, replication };
}

// A write in flight when the caller gives up is aborted on our side too (S3 may still have applied it).
async function putReplication(
  s3: S3Client,
  bucket: string,
  configuration: ReplicationConfiguration,
  abortSignal?: AbortSignal,
) {
  // No `Token`: it is only for buckets with S3 Object Lock, which take their token from a support case.
  await call(bucket, 'PutBucketReplication', () =>
    s3.send(new PutBucketReplicationCommand({ Bucket: bucket, ReplicationConfiguration: configuration }), {
      ...(abortSignal ? { abortSignal } : {}),
    }),
  );
}

async function putNotification(
  s3: S3Client,
  bucket: string,
  configuration: NotificationConfiguration,
  abortSignal?: AbortSignal,
) {
  // Validation on: S3 checks the queue exists and its policy lets S3 send, and refuses the whole write if not.
  await call(bucket, 'PutBucketNotificationConfiguration', () =>
    s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: configuration,
        SkipDestinationValidation: false,
      }),
      { ...(abortSignal ? { abortSignal } : {}) },
    ),
  );
}

async function verify(
  s3: S3Client,
  bucket: string,
  planned: BucketEnrolmentState,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  let mismatch = await readBackMismatch(s3, bucket, planned);
  for (const delay of VERIFY_RETRY_DELAYS_MS) {
    if (!mismatch) return;
    await sleep(delay);
    mismatch = await readBackMismatch(s3, bucket, planned);
  }
  if (mismatch) throw mismatch;
}

async function readBackMismatch(
  s3: S3Client,
  bucket: string,
  planned: BucketEnrolmentState,
): Promise<EnrolVerificationError | undefined> {
  const actual = await readEnrolmentState(s3, bucket);
  const notification = differingPaths(planned.notification, actual.notification);
  if (notification.length > 0) return new EnrolVerificationError(bucket, 'notification', notification);
  const replication = differingPaths(planned.replication, actual.replication);
  if (replication.length > 0) return new EnrolVerificationError(bucket, 'replication', replication);
  return undefined;
}

async function call<T>(bucket: string, operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw new EnrolS3Error(bucket, operation, { cause: error });
  }
}
