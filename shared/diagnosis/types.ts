/**
 * The diagnosis, exactly as the fixed contract (`diagnose --json`) describes it.
 * New locations or problems may be added; a value never changes meaning.
 */
import type { PolicyStatement } from '../policy/types.js';

export const LOCATIONS = [
  'replication-role',
  'replication-role-policy',
  'replication-role-permissions-boundary',
  'source-bucket-policy',
  'destination-bucket-policy',
  'source-kms-key',
  'destination-kms-key',
  'source-bucket-configuration',
  'destination-bucket-configuration',
  'object',
  'organization-policy',
  'transient',
  'unknown',
] as const;
export type Location = (typeof LOCATIONS)[number];

export const PROBLEMS = [
  'action-not-allowed',
  'explicit-deny',
  'role-not-found',
  'trust-policy-does-not-allow-s3',
  'key-not-found',
  'key-disabled',
  'key-pending-deletion',
  'key-wrong-region',
  'aws-managed-key-cross-account',
  'bucket-not-found',
  'versioning-not-enabled',
  'object-lock-not-enabled',
  'requester-pays-enabled',
  'replication-configuration-missing',
  'rule-disabled',
  'object-not-eligible',
  'object-owned-by-other-account',
  'object-gone',
  'already-replicated',
  'organization-policy-suspected',
  'throttled',
  'unknown',
] as const;
export type Problem = (typeof PROBLEMS)[number];

export type Verdict = 'root-cause-found' | 'no-cause-found' | 'inconclusive' | 'no-action-needed';
export type Action = 'notify' | 'retrigger' | 'ignore';

export interface Fix {
  summary: string;
  /** The statement to add (or, for an explicit deny, the statement as it should read). */
  policyStatement?: PolicyStatement;
  /** Ready-to-run `aws` CLI commands. */
  commands: string[];
}

export interface Cause {
  location: Location;
  problem: Problem;
  /** `service:Action`, sorted; empty for a problem that is not a permission. */
  missingActions: string[];
  principal?: string;
  resource?: string;
  summary: string;
  fix: Fix;
  /** What was read that shows this (policy names, statement ids, settings). */
  evidence?: string[];
}

export interface Inconclusive {
  check: string;
  why: string;
  /** What the fix would have to contain, when that is known without the read (extra field). */
  fix?: Fix;
}

export interface DiagnosisFailure {
  eventName: string;
  sourceBucket: string;
  key: string;
  versionId?: string;
  ruleId: string;
  destinationBucket: string;
  failureReason?: string;
}

export interface Diagnosis {
  failure: DiagnosisFailure;
  verdict: Verdict;
  causes: Cause[];
  inconclusive: Inconclusive[];
  action: Action;
  /** The checks that ran, in order (extra field, allowed by the contract). */
  checks?: string[];
  /** Observations that are not causes, e.g. "still pending" or how a retrigger would help (extra field). */
  notes?: string[];
}
