/**
 * What an audit reports: for every rule of every audited bucket, whether replication of a plain, an
 * SSE-KMS, a tagged object and a delete marker would succeed now (the diagnosis of synthetic failures),
 * and the setup gaps that would hide a failure (no metrics, no events to the intake queue, a disabled rule).
 */
import type { Diagnosis, Fix } from '../diagnosis/types.js';

export const PROBE_KINDS = ['plain', 'kms', 'tagged', 'delete-marker'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

export interface ProbeResult {
  probe: ProbeKind;
  /** The diagnosis of a synthetic failure of this kind of object, as if it had just failed. */
  diagnosis: Diagnosis;
}

export const GAP_KINDS = ['metrics-off', 'rule-disabled', 'not-enrolled'] as const;
export type GapKind = (typeof GAP_KINDS)[number];

/** A setting that silently hides failures: nothing fails loudly, so only an audit finds it. */
export interface Gap {
  gap: GapKind;
  summary: string;
  fix: Fix;
}

export type RuleStatus = 'healthy' | 'problems' | 'inconclusive';

export interface RuleAudit {
  ruleId: string;
  destinationBucket: string;
  status: RuleStatus;
  probes: ProbeResult[];
  gaps: Gap[];
  /** What could not be verified outside the probes (e.g. the notification configuration was unreadable). */
  unverified: string[];
  notes: string[];
}

export type BucketStatus =
  /** The bucket has a replication configuration; its rules are audited. */
  | 'replicated'
  /** No replication configuration: skipped when listing the account, a problem when named. */
  | 'not-replicated'
  | 'not-found'
  /** The configuration could not be read. */
  | 'unreadable';

export interface BucketAudit {
  bucket: string;
  status: BucketStatus;
  /** Why the bucket was not audited further (not-replicated, not-found, unreadable). */
  why?: string;
  rules: RuleAudit[];
}

export interface AuditReport {
  /** ISO-8601, when the audit ran. */
  auditedAt: string;
  /** `account`: every bucket ListBuckets returned; `named`: the buckets asked for. */
  scope: 'account' | 'named';
  /** The intake queue the enrolment check looked for; absent: any queue counted. */
  queueArn?: string;
  buckets: BucketAudit[];
  /** Buckets of the account without replication (account scope only), for the summary line. */
  skippedBuckets: string[];
  /** Distinct problems: every distinct cause of a rule's probes, every gap, every named bucket that cannot replicate. */
  problems: number;
  /** Rules (and named buckets) whose audit could not finish a check. */
  inconclusive: number;
}
