/**
 * Settings that make a broken replication silent: no metrics (S3 sends no failure events), no event
 * notification to the intake queue (the events go nowhere we listen), a disabled rule (nothing replicates,
 * nothing fails).
 */
import { replicationConfigFix } from '../diagnosis/fixes.js';
import type { Read, ReplicationRule } from '../diagnosis/reads.js';
import { isV2Rule, rulePrefix } from '../diagnosis/rule-features.js';
import { cli } from '../diagnosis/shell.js';
import type { NotificationSettings, QueueNotification } from './account-reads.js';
import type { Gap } from './types.js';

/** The event types that deliver replication failures: all replication events, or the failure itself. */
const FAILURE_EVENT_TYPES = new Set(['s3:Replication:*', 's3:Replication:OperationFailedReplication']);

export type Enrollment =
  | { status: 'enrolled'; queue: QueueNotification; notes: string[] }
  | { status: 'not-enrolled'; why: string }
  | { status: 'unknown'; why: string };

/**
 * The entry's filter lets every key the rule replicates through: its prefix is a prefix of the rule's
 * (a narrower one drops the rest), and no suffix (a rule cannot select by suffix, so any suffix drops keys).
 */
function coversPrefix(queue: QueueNotification, prefix: string): boolean {
  return queue.filterRules.every((rule) =>
    rule.name === 'prefix'
      ? prefix.startsWith(rule.value)
      : rule.name === 'suffix'
        ? rule.value === ''
        : true,
  );
}

function filterText(queue: QueueNotification): string {
  return queue.filterRules.map((r) => `${r.name} "${r.value}"`).join(', ');
}

/**
 * Whether the rule's failures reach the intake queue. Without a queue ARN any queue that receives the
 * failure events counts (and the note says so): the audit cannot tell which queue is ours.
 */
export function enrollmentOf(
  bucket: string,
  rule: ReplicationRule,
  read: Read<NotificationSettings>,
  queueArn: string | undefined,
): Enrollment {
  if (read.status !== 'ok') {
    return {
      status: 'unknown',
      why: `s3:GetBucketNotification on ${bucket} could not be read (${read.error}), so enrolment was not checked`,
    };
  }
  const prefix = rulePrefix(rule);
  const sending = read.value.queues.filter(
    (queue) =>
      queue.events.some((event) => FAILURE_EVENT_TYPES.has(event)) &&
      (queueArn === undefined || queue.queueArn === queueArn),
  );
  const receiving = sending.filter((queue) => coversPrefix(queue, prefix));
  const [queue] = receiving;
  if (queue) {
    const notes: string[] = [];
    if (queueArn === undefined)
      notes.push(
        `Enrolment: ${bucket} sends replication failure events to ${queue.queueArn}; without --queue-arn any queue counts, so it was not checked to be the intake queue.`,
      );
    if (queue.filterRules.length > 0)
      notes.push(
        `Enrolment: the notification ${queue.id ?? queue.queueArn} only covers keys matching ${filterText(queue)}.`,
      );
    return { status: 'enrolled', queue, notes };
  }
  const [partial] = sending;
  if (partial)
    return {
      status: 'not-enrolled',
      why: `${bucket} sends replication failure events to ${partial.queueArn} only for keys matching ${filterText(partial)}, not for every key${prefix ? ` under "${prefix}"` : ''} the rule replicates (partly enrolled)`,
    };
  const target = queueArn ? `the intake queue ${queueArn}` : 'any SQS queue';
  return {
    status: 'not-enrolled',
    why: `${bucket} sends no s3:Replication:* (or s3:Replication:OperationFailedReplication) events to ${target}${prefix ? ` for keys under "${prefix}"` : ''}`,
  };
}

function metricsGap(bucket: string, ruleId: string, rule: ReplicationRule): Gap {
  const v1 = !isV2Rule(rule);
  return {
    gap: 'metrics-off',
    summary: `Replication metrics are off for the rule ${ruleId} of ${bucket}: S3 sends no replication failure events for it, so its failures go unnoticed.${v1 ? ' It is a V1 rule (Prefix on the rule), which cannot carry metrics.' : ''}`,
    fix: {
      ...replicationConfigFix(
        bucket,
        `Set "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}} in the rule's Destination${v1 ? ', after turning it into a V2 rule ("Filter": {"Prefix": …}, "DeleteMarkerReplication")' : ''} (or let enrol do it): the first command saves the configuration to replication.json, the second puts the edited file back.`,
      ),
    },
  };
}

function disabledGap(bucket: string, ruleId: string, rule: ReplicationRule): Gap {
  return {
    gap: 'rule-disabled',
    summary: `The rule ${ruleId} of ${bucket} is ${rule.Status || 'not enabled'}: nothing it covers replicates, and nothing fails either.`,
    fix: replicationConfigFix(
      bucket,
      `Set "Status": "Enabled" on the rule ${ruleId} if it should replicate (or remove it): the first command saves the configuration to replication.json, the second puts the edited file back.`,
    ),
  };
}

function notEnrolledGap(bucket: string, why: string, queueArn: string | undefined): Gap {
  return {
    gap: 'not-enrolled',
    summary: `The bucket is not enrolled: ${why}. Its replication failures reach no one.`,
    fix: {
      summary: `Enrol the bucket: enrol merges the intake queue into its notification configuration without dropping what is there (a plain put-bucket-notification-configuration would replace it). Check the current configuration first.`,
      commands: [
        cli('aws s3api get-bucket-notification-configuration', ['--bucket', bucket]),
        cli(
          's3-replication-doctor enroll',
          ['--bucket', bucket],
          ...(queueArn ? [['--queue-arn', queueArn] as const] : []),
          ['--dry-run'],
        ),
      ],
    },
  };
}

export interface RuleGaps {
  gaps: Gap[];
  unverified: string[];
  notes: string[];
}

export function ruleGaps(
  bucket: string,
  ruleId: string,
  rule: ReplicationRule,
  notifications: Read<NotificationSettings>,
  queueArn: string | undefined,
): RuleGaps {
  const gaps: Gap[] = [];
  const unverified: string[] = [];
  const notes: string[] = [];
  if (rule.Status !== 'Enabled') gaps.push(disabledGap(bucket, ruleId, rule));
  if (rule.Destination.Metrics?.Status !== 'Enabled') gaps.push(metricsGap(bucket, ruleId, rule));
  const enrollment = enrollmentOf(bucket, rule, notifications, queueArn);
  switch (enrollment.status) {
    case 'enrolled':
      notes.push(...enrollment.notes);
      break;
    case 'not-enrolled':
      gaps.push(notEnrolledGap(bucket, enrollment.why, queueArn));
      break;
    case 'unknown':
      unverified.push(enrollment.why);
      break;
    default: {
      const unhandled: never = enrollment;
      throw new TypeError(`unhandled enrollment ${JSON.stringify(unhandled)}`);
    }
  }
  return { gaps, unverified, notes };
}
