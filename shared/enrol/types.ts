import type { Metrics, NotificationConfiguration, ReplicationConfiguration } from '@aws-sdk/client-s3';

/**
 * The notification entry's Id is our marker: unenrol removes the entry with this Id and nothing else.
 * A second stack watching the same bucket needs its own Id (S3 rejects two entries for the same events anyway).
 */
export const ENROLMENT_ID = 's3-replication-doctor';

/** Every replication event: failures, plus the RTC threshold events when a rule has RTC. */
export const REPLICATION_EVENTS = 's3:Replication:*';

/** What a bucket has now, as S3 returns it (without the SDK's `$metadata`). */
export interface BucketEnrolmentState {
  notification: NotificationConfiguration;
  /** `null`: the bucket has no replication configuration. */
  replication: ReplicationConfiguration | null;
}

export interface EnrolmentTarget {
  /** The intake queue, in the bucket's region. */
  queueArn: string;
  /** The notification entry's Id; defaults to {@link ENROLMENT_ID}. */
  id?: string;
}

/**
 * A rule whose replication metrics enrol turned on, and what its `Metrics` was before (`null`: absent).
 * No field of a replication rule can carry this, so the caller keeps it (the CLI prints it, the custom
 * resource returns it as data) and hands it back to unenrol for an exact undo.
 */
export interface MetricsChange {
  ruleId: string;
  before: Metrics | null;
}

export interface UnenrolmentTarget {
  /**
   * The queue being unenrolled: only an entry with our Id that sends to this queue is removed, so a second
   * stack sharing the Id keeps its entry.
   */
  queueArn: string;
  id?: string;
  /**
   * The metrics enrol turned on, to turn off again. Absent or empty: metrics stay on, because other
   * monitoring may have come to rely on them since.
   */
  metricsChanges?: MetricsChange[];
}

export interface EnrolmentPlan {
  notification: NotificationConfiguration;
  /** Present only when the replication configuration changes. */
  replication?: ReplicationConfiguration;
  /** One line per change, in the order they appear in the documents. */
  changes: string[];
  /** What was deliberately left as it is, and why. */
  notes: string[];
  /**
   * Why the plan cannot be applied (for example another entry already takes the replication events, which
   * S3 would reject as overlapping). Non-empty means nothing may be written.
   */
  conflicts: string[];
  /** Enrol only: the metrics it turned on, for {@link UnenrolmentTarget.metricsChanges}. */
  metricsChanges: MetricsChange[];
}
