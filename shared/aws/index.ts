/**
 * The AWS reads layer: the only place that imports the AWS SDK. Live AWS and a replayed account snapshot
 * are two `AwsCaller`s under the same `DiagnosisReads`.
 */

export { AssumeRoleError } from './assume-role-credentials.js';
export type { CallOutcome, ReadStats } from './call-reader.js';
export { DEFAULT_CACHE_TTL_MS } from './call-reader.js';
export type { AwsCaller, AwsCallOptions, AwsService } from './caller.js';
export { AWS_SERVICES } from './caller.js';
export type { ErrorClass } from './classify-error.js';
export { classifyAwsError } from './classify-error.js';
export type { LiveCallerOptions } from './live-caller.js';
export { createLiveCaller, UnsupportedCallError } from './live-caller.js';
export type { CountingReads, ReadsOptions } from './reads.js';
export { createReads } from './reads.js';
export type { RecordingCaller } from './recording-caller.js';
export { createRecordingCaller } from './recording-caller.js';
export type { ReplayCallerOptions } from './replay-caller.js';
export { createReplayCaller } from './replay-caller.js';
export type { RetryOptions } from './retry.js';
export type { Snapshot, SnapshotCall, SnapshotError } from './snapshot.js';
export { parseSnapshot, readSnapshotFile, SNAPSHOT_FORMAT, SnapshotFormatError } from './snapshot.js';
export { snapshotReads } from './snapshot-reads.js';
