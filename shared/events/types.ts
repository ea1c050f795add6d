/**
 * The typed form of one S3 replication event record, whatever envelope it arrived in
 * (raw S3 notification, SQS, SNS, EventBridge). Produced only by `parse-events.ts`.
 */

export const REPLICATION_EVENT_NAMES = [
  'Replication:OperationFailedReplication',
  'Replication:OperationMissedThreshold',
  'Replication:OperationReplicatedAfterThreshold',
  'Replication:OperationNotTracked',
] as const;

export type ReplicationEventName = (typeof REPLICATION_EVENT_NAMES)[number];

export interface ReplicationFailure {
  eventName: ReplicationEventName;
  /** As sent, e.g. "2.2" or "2.5"; the major version is checked to be 2. */
  eventVersion: string;
  eventTime: string;
  /** Region of the source bucket (the record's `awsRegion`). */
  awsRegion: string;
  sourceBucket: string;
  /** `s3.bucket.ownerIdentity.principalId`, when present. */
  sourceBucketOwner?: string;
  /** The object key, URL-decoded exactly as S3 encodes it (`+` is a space, `%2B` a plus). */
  key: string;
  /** The key exactly as it appeared in the record (still URL-encoded). */
  rawKey: string;
  versionId?: string;
  size?: number;
  eTag?: string;
  sequencer?: string;
  ruleId: string;
  /** Destination bucket name (the record carries an ARN). */
  destinationBucket: string;
  destinationBucketArn: string;
  s3Operation?: string;
  requestTime?: string;
  /** The code as sent, kept even when this version does not know it. */
  failureReason?: string;
  threshold?: string;
  replicationTime?: string;
}
