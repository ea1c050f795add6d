/**
 * Incidents: every failure that shares one cause (route plus diagnosed location/problem/missing actions)
 * is one incident, with its failed objects recorded beside it so a re-drive never scans a bucket.
 */
import type { Diagnosis } from '../diagnosis/types.js';

export type IncidentStatus = 'open' | 'resolved';
export type RedriveMethod = 'copy' | 'batch';
export type RedriveState = 'awaiting-approval' | 'approved' | 'running' | 'verifying' | 'done' | 'tripped';

export interface RedriveInfo {
  method: RedriveMethod;
  state: RedriveState;
  objects: number;
  estimatedRequests: number;
  startedAt?: string;
  jobId?: string;
  succeeded?: number;
  failed?: number;
  approvedBy?: string;
  note?: string;
  /**
   * Set by the Batch Replication job runner when the job's outcome stops the re-drive (the job failed or was
   * cancelled, or tasks failed again with the incident's own reason); the sweep then trips the breaker.
   */
  jobFailure?: string;
}

export interface Incident {
  /** 16 hex chars of sha256(signature). */
  incidentId: string;
  /** `causeSignature(diagnosis)` from shared/notify/notification.ts. */
  signature: string;
  status: IncidentStatus;
  sourceBucket: string;
  ruleId: string;
  destinationBucket: string;
  /** Distinct failure codes seen. */
  failureReasons: string[];
  /** Failure events received, duplicate deliveries included. */
  count: number;
  /** ISO times. */
  firstSeen: string;
  lastSeen: string;
  /** At most `sampleSize` (default 5). */
  sampleKeys: { key: string; versionId?: string }[];
  /** The diagnosis that opened it; its failure block is the first object. */
  diagnosis: Diagnosis;
  openedAt: string;
  resolvedAt?: string;
  reopenedAt?: string;
  reopenCount: number;
  slack?: { ts: string; channel: string };
  lastSlackUpdateAt?: string;
  lastDigestAt?: string;
  redrive?: RedriveInfo;
  /** Failures recorded while `redrive.state` is running, verifying or done. */
  refailedSinceRedrive: number;
  /** Why it was last resolved or reopened by hand or by the circuit breaker (extra field). */
  note?: string;
}

export type ObjectState = 'failed' | 'redriven' | 'replicated' | 'failed-again';

export interface IncidentObject {
  incidentId: string;
  bucket: string;
  key: string;
  versionId?: string;
  failureReason?: string;
  firstSeen: string;
  state: ObjectState;
  lastError?: string;
}

export interface FailureRecord {
  bucket: string;
  key: string;
  versionId?: string;
  failureReason?: string;
  eventTime: string;
}

export interface RecordOutcome {
  incident: Incident;
  /** This call created the incident (exactly one of any number of concurrent creators). */
  opened: boolean;
  /** This call moved a resolved incident back to open (exactly one of any number of concurrent writers). */
  reopened: boolean;
  /** Object items written. */
  added: number;
}

export type IncidentNoticeKind =
  | 'opened'
  | 'still-open'
  | 'redrive-planned'
  | 'redrive-started'
  | 'resolved'
  | 'reopened';

export interface IncidentNotice {
  kind: IncidentNoticeKind;
  incident: Incident;
  details?: string;
  numbers?: Record<string, number>;
}

export type NotificationClaimKind = 'slack-update' | 'digest';

export interface IncidentStore {
  /** One incident (from the diagnosis), many objects. */
  recordFailures(diagnosis: Diagnosis, failures: FailureRecord[]): Promise<RecordOutcome>;
  get(incidentId: string): Promise<Incident | undefined>;
  /** Every open incident (the gsi1 index), all pages. */
  listOpen(): Promise<Incident[]>;
  /** The incident's objects, page by page: O(failures), never a scan. */
  listObjects(incidentId: string, options?: { states?: ObjectState[] }): AsyncIterable<IncidentObject>;
  countObjects(incidentId: string, options?: { states?: ObjectState[] }): Promise<number>;
  markObjects(
    incidentId: string,
    updates: { bucket: string; key: string; versionId?: string; state: ObjectState; lastError?: string }[],
  ): Promise<void>;
  /** True for at most one caller per interval, across concurrent writers. */
  claimNotification(incidentId: string, kind: NotificationClaimKind, minIntervalMs: number): Promise<boolean>;
  setSlackMessage(incidentId: string, slack: { ts: string; channel: string }): Promise<void>;
  /**
   * Replaces the re-drive. False when `expectState` did not hold ('none': no redrive yet), or when the stored
   * re-drive is no longer the one in `expectRedrive` (its `startedAt` and `jobId`, each absent when absent):
   * the sweep and the job runner both write a re-drive they read a moment before.
   */
  setRedrive(
    incidentId: string,
    redrive: RedriveInfo,
    options?: {
      expectState?: RedriveState | 'none';
      expectRedrive?: Pick<RedriveInfo, 'startedAt' | 'jobId'>;
    },
  ): Promise<boolean>;
  /** awaiting-approval → approved. */
  approve(incidentId: string, by: string): Promise<boolean>;
  /** open → resolved (leaves the open index); false if not open. */
  /** With `expectCount`, only while the incident's failure count is still that (no failure arrived since). */
  resolve(incidentId: string, note?: string, options?: { expectCount?: number }): Promise<boolean>;
  /** resolved → open, or trips a running redrive of an open incident. */
  reopen(incidentId: string, note: string): Promise<boolean>;
}
