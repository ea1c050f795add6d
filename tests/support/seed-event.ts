/**
 * Replication event notifications for the seed setup, shaped like the AWS sample record
 * (S3 User Guide, "Receiving replication failure events with Amazon S3 Event Notifications").
 */
import type { ReplicationEventName } from '../../shared/events/types.js';
import {
  DESTINATION_BUCKET_ARN,
  OBJECT_KEY,
  OBJECT_VERSION_ID,
  RULE_ID,
  SOURCE_ACCOUNT,
  SOURCE_BUCKET,
  SOURCE_BUCKET_ARN,
  SOURCE_REGION,
} from './seed-setup.js';

export interface SeedEventOptions {
  eventName?: ReplicationEventName;
  /** Omitted for the threshold events; `undefined` on a failure event means the record carries none. */
  failureReason?: string;
  key?: string;
  versionId?: string;
  size?: number;
  eventVersion?: string;
  eventTime?: string;
}

/** S3 encodes keys in notifications like a form: a space becomes `+`, other reserved characters `%XX`. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

export function seedEventRecord(options: SeedEventOptions = {}): Record<string, unknown> {
  const eventName = options.eventName ?? 'Replication:OperationFailedReplication';
  const eventTime = options.eventTime ?? '2024-09-05T21:04:32.527Z';
  return {
    eventVersion: options.eventVersion ?? '2.2',
    eventSource: 'aws:s3',
    awsRegion: SOURCE_REGION,
    eventTime,
    eventName,
    userIdentity: { principalId: 's3.amazonaws.com' },
    requestParameters: { sourceIPAddress: 's3.amazonaws.com' },
    responseElements: {
      'x-amz-request-id': '123bf045-2b4b-4ca8-a211-c34a63c59426',
      'x-amz-id-2': '12VAWNDIHnwJsRhTccqQTeAPoXQmRt22KkewMV8G3XZihAuf9CLDdmkApgZzudaIe2KlLfDqGS0=',
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'ReplicationFailureEvents',
      bucket: {
        name: SOURCE_BUCKET,
        ownerIdentity: { principalId: SOURCE_ACCOUNT },
        arn: SOURCE_BUCKET_ARN,
      },
      object: {
        key: encodeEventKey(options.key ?? OBJECT_KEY),
        size: options.size ?? 482113,
        eTag: 'e12345ca7e88a38428305d3ff7fcb99f',
        versionId: options.versionId ?? OBJECT_VERSION_ID,
        sequencer: '0066DA1CBF104C0D51',
      },
    },
    replicationEventData: {
      replicationRuleId: RULE_ID,
      destinationBucket: DESTINATION_BUCKET_ARN,
      s3Operation: 'OBJECT_PUT',
      requestTime: '2024-09-05T21:03:59.168Z',
      ...(options.failureReason === undefined ? {} : { failureReason: options.failureReason }),
    },
  };
}

/** The notification as S3 delivers it to SQS, SNS or Lambda: `{ "Records": [ ... ] }`. */
export function seedEvent(options: SeedEventOptions = {}): { Records: Record<string, unknown>[] } {
  return { Records: [seedEventRecord(options)] };
}
