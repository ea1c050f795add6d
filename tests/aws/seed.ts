/** The seed setup of the AWS CRR guide, and small builders for snapshots in the shape the contract fixes. */
import type { AwsCaller, AwsCallOptions, Snapshot, SnapshotCall } from '../../shared/aws/index.js';
import type { PolicyDocument } from '../../shared/policy/types.js';

export const SOURCE_ACCOUNT = '123456789012';
export const DESTINATION_ACCOUNT = '444455556666';
export const SOURCE_BUCKET = 'my-source-bucket-use1';
export const DESTINATION_BUCKET = 'my-destination-bucket-euw1';
export const SOURCE_REGION = 'us-east-1';
export const DESTINATION_REGION = 'eu-west-1';
export const ROLE_NAME = 'S3ReplicationRole';
export const ROLE_ARN = `arn:aws:iam::${SOURCE_ACCOUNT}:role/${ROLE_NAME}`;
export const INLINE_POLICY_NAME = 'S3ReplicationPolicy';
export const RULE_ID = 'DR-Replication-Rule';
export const SOURCE_KEY_ARN = `arn:aws:kms:${SOURCE_REGION}:${SOURCE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const DESTINATION_KEY_ARN = `arn:aws:kms:${DESTINATION_REGION}:${DESTINATION_ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;

export const REPLICATION_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      Resource: `arn:aws:s3:::${SOURCE_BUCKET}`,
    },
    {
      Effect: 'Allow',
      Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
      Resource: `arn:aws:s3:::${DESTINATION_BUCKET}/*`,
    },
  ],
};

export const TRUST_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

/** As the IAM API returns policy documents: URL-encoded JSON (RFC 3986). */
export function iamEncoded(document: PolicyDocument): string {
  return encodeURIComponent(JSON.stringify(document));
}

export function snapshotOf(...calls: SnapshotCall[]): Snapshot {
  return { format: 's3-replication-snapshot/v1', calls };
}

export function answer(
  service: SnapshotCall['service'],
  command: string,
  input: Record<string, unknown>,
  output: Record<string, unknown>,
): SnapshotCall {
  return { service, command, input, output };
}

export function failure(
  service: SnapshotCall['service'],
  command: string,
  input: Record<string, unknown>,
  name: string,
  httpStatusCode?: number,
): SnapshotCall {
  return {
    service,
    command,
    input,
    error: {
      name,
      message: `${name} (recorded)`,
      ...(httpStatusCode === undefined ? {} : { httpStatusCode }),
    },
  };
}

/** A sleep that records the waits asked for and resolves at once. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
}

export interface SentCall {
  service: string;
  command: string;
  input: Record<string, unknown>;
  options: AwsCallOptions | undefined;
}

/** Wraps a caller and keeps every call it is sent, in order. */
export function spyCaller(inner: AwsCaller): AwsCaller & { sent: SentCall[] } {
  const sent: SentCall[] = [];
  return {
    sent,
    send(service, command, input, options) {
      sent.push({ service, command, input, options });
      return inner.send(service, command, input, options);
    },
  };
}

/** An SDK-shaped service error, as the SDK throws it. */
export function sdkError(name: string, httpStatusCode?: number, message = name): Error {
  return Object.assign(new Error(message), {
    name,
    $metadata: httpStatusCode === undefined ? {} : { httpStatusCode },
  });
}
