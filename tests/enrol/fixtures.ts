/**
 * Source buckets that already have a busy setup: Lambda, SQS and SNS notifications with filters, EventBridge
 * on, and multi-rule replication in the V1 (Prefix) and V2 (Filter) forms with RTC, KMS, owner override and
 * delete-marker replication. A fake S3 keeps each bucket's documents and answers like S3: whole-document
 * replacement on PUT, `{}` for an empty notification configuration, `$metadata` on every output.
 */
import {
  GetBucketNotificationConfigurationCommand,
  GetBucketReplicationCommand,
  type NotificationConfiguration,
  PutBucketNotificationConfigurationCommand,
  PutBucketReplicationCommand,
  type ReplicationConfiguration,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createSdkError } from '../../shared/aws/sdk-error.js';

export const SOURCE_BUCKET = 'my-source-bucket-use1';
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/S3ReplicationRole';
export const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:s3-replication-doctor-prod-intake';
const DESTINATION = 'arn:aws:s3:::my-destination-bucket-euw1';
const REPLICA_KEY = 'arn:aws:kms:eu-west-1:444455556666:key/9f8e7d6c-5b4a-4f3e-8d2c-1b0a9f8e7d6c';

export const BUSY_NOTIFICATION: NotificationConfiguration = {
  TopicConfigurations: [
    {
      Id: 'uploads-to-sns',
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:uploads',
      Events: ['s3:ObjectCreated:Put', 's3:ObjectCreated:CompleteMultipartUpload'],
      Filter: {
        Key: {
          FilterRules: [
            { Name: 'prefix', Value: 'uploads/' },
            { Name: 'suffix', Value: '.csv' },
          ],
        },
      },
    },
  ],
  QueueConfigurations: [
    {
      Id: 'deletes-to-audit-queue',
      QueueArn: 'arn:aws:sqs:us-east-1:123456789012:audit',
      Events: ['s3:ObjectRemoved:*'],
      Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'finance/' }] } },
    },
  ],
  LambdaFunctionConfigurations: [
    {
      Id: 'thumbnails',
      LambdaFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:thumbnails',
      Events: ['s3:ObjectCreated:*'],
      Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.jpg' }] } },
    },
  ],
  EventBridgeConfiguration: {},
};

/** V2: filters, priorities, RTC with metrics, KMS, owner override, delete markers, a disabled rule. */
export const V2_REPLICATION: ReplicationConfiguration = {
  Role: ROLE_ARN,
  Rules: [
    {
      ID: 'DR-Replication-Rule',
      Priority: 1,
      Filter: { Prefix: 'finance/' },
      Status: 'Enabled',
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
      Destination: {
        Bucket: DESTINATION,
        Account: '444455556666',
        StorageClass: 'STANDARD_IA',
        AccessControlTranslation: { Owner: 'Destination' },
        EncryptionConfiguration: { ReplicaKmsKeyID: REPLICA_KEY },
      },
      DeleteMarkerReplication: { Status: 'Enabled' },
    },
    {
      ID: 'rtc-invoices',
      Priority: 2,
      Filter: { And: { Prefix: 'invoices/', Tags: [{ Key: 'class', Value: 'gold' }] } },
      Status: 'Enabled',
      Destination: {
        Bucket: DESTINATION,
        ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
        Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
      },
      DeleteMarkerReplication: { Status: 'Disabled' },
    },
    {
      ID: 'tagged-archive',
      Priority: 3,
      Filter: { Tag: { Key: 'archive', Value: 'true' } },
      Status: 'Enabled',
      Destination: {
        Bucket: DESTINATION,
        Metrics: { Status: 'Disabled', EventThreshold: { Minutes: 15 } },
      },
      DeleteMarkerReplication: { Status: 'Disabled' },
    },
    {
      ID: 'paused-logs',
      Priority: 4,
      Filter: {},
      Status: 'Disabled',
      Destination: { Bucket: DESTINATION, StorageClass: 'GLACIER' },
      DeleteMarkerReplication: { Status: 'Disabled' },
    },
  ],
};

/** V1: `Prefix` directly under the rule, no priorities, no filter. */
export const V1_REPLICATION: ReplicationConfiguration = {
  Role: ROLE_ARN,
  Rules: [
    {
      ID: 'v1-finance',
      Prefix: 'finance/',
      Status: 'Enabled',
      Destination: { Bucket: DESTINATION, StorageClass: 'STANDARD' },
    },
    {
      ID: 'v1-everything-else',
      Prefix: '',
      Status: 'Enabled',
      Destination: { Bucket: 'arn:aws:s3:::my-second-destination-use2', Account: '444455556666' },
    },
  ],
};

export interface FakeBucket {
  notification: NotificationConfiguration;
  replication: ReplicationConfiguration | null;
}

export const s3 = mockClient(S3Client);

/** A client for code under test; its sends go to the mock above. */
export const client = new S3Client({ region: 'us-east-1' });

/**
 * Installs a fake S3 holding these buckets (deep copies). `onPut` may change what is stored, to stand for
 * S3 or a concurrent writer rewriting a document.
 */
export function installFakeS3(
  buckets: Record<string, FakeBucket>,
  options: { rewrite?: (bucket: FakeBucket) => void } = {},
): Map<string, FakeBucket> {
  const store = new Map(Object.entries(structuredClone(buckets)));
  const find = (name: string | undefined): FakeBucket => {
    const bucket = store.get(name ?? '');
    if (!bucket)
      throw createSdkError({
        name: 'NoSuchBucket',
        message: 'The specified bucket does not exist',
        httpStatusCode: 404,
      });
    return bucket;
  };
  s3.reset();
  s3.on(GetBucketNotificationConfigurationCommand).callsFake((input) => ({
    $metadata: { httpStatusCode: 200 },
    ...structuredClone(find(input.Bucket).notification),
  }));
  s3.on(GetBucketReplicationCommand).callsFake((input) => {
    const { replication } = find(input.Bucket);
    if (!replication)
      throw createSdkError({
        name: 'ReplicationConfigurationNotFoundError',
        message: 'The replication configuration was not found',
        httpStatusCode: 404,
      });
    return { $metadata: { httpStatusCode: 200 }, ReplicationConfiguration: structuredClone(replication) };
  });
  s3.on(PutBucketReplicationCommand).callsFake((input) => {
    const bucket = find(input.Bucket);
    bucket.replication = structuredClone(input.ReplicationConfiguration) ?? null;
    options.rewrite?.(bucket);
    return { $metadata: { httpStatusCode: 200 } };
  });
  s3.on(PutBucketNotificationConfigurationCommand).callsFake((input) => {
    const bucket = find(input.Bucket);
    bucket.notification = structuredClone(input.NotificationConfiguration) ?? {};
    options.rewrite?.(bucket);
    return { $metadata: { httpStatusCode: 200 } };
  });
  return store;
}

export function replicationPuts(): Array<ReplicationConfiguration | undefined> {
  return s3
    .commandCalls(PutBucketReplicationCommand)
    .map((call) => call.args[0].input.ReplicationConfiguration);
}

export function notificationPuts(): Array<NotificationConfiguration | undefined> {
  return s3
    .commandCalls(PutBucketNotificationConfigurationCommand)
    .map((call) => call.args[0].input.NotificationConfiguration);
}
