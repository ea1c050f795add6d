/** The copy-in-place attempts the ledger records, one per source bucket, key and version. */

export type AttemptStatus = 'in-progress' | 'done' | 'failed';

export interface AttemptTarget {
  bucket: string;
  key: string;
  versionId: string;
}

export interface CopyAttempt extends AttemptTarget {
  status: AttemptStatus;
  /** Why the copy was wanted (usually the failure reason). */
  reason: string;
  /** 0 for a version someone else wrote; n for a version written by the n-th copy in place of `origin`. */
  generation: number;
  /** The version whose failure started the chain of copies (this version itself at generation 0). */
  origin: string;
  /** Claims so far, counting re-claims after a crashed worker or a failed copy. */
  claims: number;
  failures: number;
  claimedAt: string;
  /** While in progress: when another worker may take the attempt over. */
  leaseExpiresAt?: string;
  completedAt?: string;
  newVersionId?: string;
  /** S3 requests the copy took. */
  requests?: number;
  lastError?: string;
}

/** Written on the version a copy produced, so that version's own failure is recognised as ours. */
export interface CopyResultMarker extends AttemptTarget {
  generation: number;
  origin: string;
  /** The version that was copied to produce this one. */
  copiedFrom: string;
}

export interface ClaimInput extends AttemptTarget {
  reason: string;
}

export type ClaimResult =
  | { outcome: 'claimed'; attempt: CopyAttempt }
  /** Copied already, or another worker holds a live lease: do not copy. */
  | { outcome: 'duplicate'; attempt: CopyAttempt }
  /** The version was written by our own copy `generation` times over: notify instead of copying again. */
  | { outcome: 'limit-reached'; generation: number; origin: string; limit: number };

export interface CompleteInput extends AttemptTarget {
  /** Absent when the bucket returned no version (an unversioned test server): no marker can be written. */
  newVersionId?: string;
  requests: number;
}

export interface FailInput extends AttemptTarget {
  error: unknown;
  /**
   * The `claims` count of the caller's own claim. When given, the failure is recorded only while that claim
   * still holds the attempt: a worker whose lease expired and was taken over cannot release the new holder's
   * lease (which would let a third worker copy alongside it).
   */
  claim?: number;
}

export type FailResult =
  | { outcome: 'recorded'; attempt: CopyAttempt }
  /** The attempt had finished, was never claimed, or is now another claim's: nothing changed. */
  | { outcome: 'not-in-progress' };

export type LedgerEntry =
  | { kind: 'copy-attempt'; attempt: CopyAttempt }
  | { kind: 'copy-result'; marker: CopyResultMarker };

export interface AttemptLedger {
  claim(input: ClaimInput): Promise<ClaimResult>;
  complete(input: CompleteInput): Promise<CopyAttempt>;
  fail(input: FailInput): Promise<FailResult>;
  /** What the ledger holds for one version, if anything. */
  read(target: AttemptTarget): Promise<LedgerEntry | undefined>;
}
