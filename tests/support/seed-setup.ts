/**
 * The seed setup: the cross-region replication the AWS CRR guide builds (source in us-east-1, destination
 * in eu-west-1, role `S3ReplicationRole` with inline policy `S3ReplicationPolicy`, rule `DR-Replication-Rule`).
 * Every scenario fixture is this setup with one thing changed, so the documents here are the guide's, verbatim.
 */
import type { ReplicationConfiguration } from '../../shared/diagnosis/reads.js';
import type { PolicyDocument, PolicyStatement } from '../../shared/policy/types.js';

export const SOURCE_ACCOUNT = '123456789012';
export const DESTINATION_ACCOUNT = '444455556666';
export const SOURCE_REGION = 'us-east-1';
export const DESTINATION_REGION = 'eu-west-1';
export const SOURCE_BUCKET = 'my-source-bucket-use1';
export const DESTINATION_BUCKET = 'my-destination-bucket-euw1';
export const SOURCE_BUCKET_ARN = `arn:aws:s3:::${SOURCE_BUCKET}`;
export const DESTINATION_BUCKET_ARN = `arn:aws:s3:::${DESTINATION_BUCKET}`;
export const ROLE_NAME = 'S3ReplicationRole';
export const ROLE_ARN = `arn:aws:iam::${SOURCE_ACCOUNT}:role/${ROLE_NAME}`;
export const ROLE_POLICY_NAME = 'S3ReplicationPolicy';
export const RULE_ID = 'DR-Replication-Rule';

/** Canonical user IDs (what `GetObjectAcl`/`GetBucketAcl` name owners by). */
export const SOURCE_CANONICAL_ID = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';
export const DESTINATION_CANONICAL_ID = 'b5c2e1a7f3d94e8c9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5';
/** A partner account that uploads into the source bucket with its own credentials. */
export const PARTNER_ACCOUNT = '777788889999';
export const PARTNER_CANONICAL_ID = 'e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2';

/** Customer managed keys used by the SSE-KMS variations. */
export const SOURCE_KEY_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
export const SOURCE_KEY_ARN = `arn:aws:kms:${SOURCE_REGION}:${SOURCE_ACCOUNT}:key/${SOURCE_KEY_ID}`;
export const REPLICA_KEY_ID = '9f8e7d6c-5b4a-4f3e-8d2c-1b0a9f8e7d6c';
export const replicaKeyArn = (account: string, region = DESTINATION_REGION): string =>
  `arn:aws:kms:${region}:${account}:key/${REPLICA_KEY_ID}`;

/** The object every seed event names (a space, so that key decoding matters). */
export const OBJECT_KEY = 'finance/2024/q3 report.pdf';
export const OBJECT_VERSION_ID = '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY';
export const objectArn = (bucket: string, key = OBJECT_KEY): string => `arn:aws:s3:::${bucket}/${key}`;

/** Step 2a of the guide: the role's trust policy. */
export function seedTrustPolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  };
}

/** Step 2b of the guide: the inline permissions policy `S3ReplicationPolicy`. */
export function seedRolePolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'SourceBucketReadAccess',
        Effect: 'Allow',
        Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        Resource: SOURCE_BUCKET_ARN,
      },
      {
        Sid: 'SourceObjectReadAccess',
        Effect: 'Allow',
        Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
        Resource: `${SOURCE_BUCKET_ARN}/*`,
      },
      {
        Sid: 'DestinationBucketWriteAccess',
        Effect: 'Allow',
        Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
        Resource: `${DESTINATION_BUCKET_ARN}/*`,
      },
    ],
  };
}

/** "Cross-Account CRR: Additional Requirement" of the guide: the destination bucket policy. */
export function seedCrossAccountBucketPolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [seedCrossAccountStatement()],
  };
}

export function seedCrossAccountStatement(): PolicyStatement {
  return {
    Sid: 'AllowCrossAccountReplication',
    Effect: 'Allow',
    Principal: { AWS: ROLE_ARN },
    Action: [
      's3:ReplicateObject',
      's3:ReplicateDelete',
      's3:ReplicateTags',
      's3:ObjectOwnerOverrideToBucketOwner',
    ],
    Resource: `${DESTINATION_BUCKET_ARN}/*`,
  };
}

/** Step 3 of the guide, with replication metrics on (without them S3 sends no failure events). */
export function seedReplicationConfiguration(): ReplicationConfiguration {
  return {
    Role: ROLE_ARN,
    Rules: [
      {
        ID: RULE_ID,
        Status: 'Enabled',
        Filter: { Prefix: '' },
        Destination: {
          Bucket: DESTINATION_BUCKET_ARN,
          StorageClass: 'STANDARD_IA',
          Metrics: { Status: 'Enabled' },
        },
        DeleteMarkerReplication: { Status: 'Enabled' },
      },
    ],
  };
}

/** The key policy KMS creates by default: the owning account's IAM policies decide. */
export function defaultKeyPolicy(account: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };
}

/** A key policy that does not delegate to IAM: only the named admin and application roles may use the key. */
export function restrictiveKeyPolicy(account: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Id: 'key-consolepolicy-3',
    Statement: [
      {
        Sid: 'Allow access for Key Administrators',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${account}:role/KeyAdministrator` },
        Action: [
          'kms:Create*',
          'kms:Describe*',
          'kms:Enable*',
          'kms:List*',
          'kms:Put*',
          'kms:Update*',
          'kms:Revoke*',
          'kms:Disable*',
          'kms:Get*',
          'kms:Delete*',
          'kms:ScheduleKeyDeletion',
          'kms:CancelKeyDeletion',
        ],
        Resource: '*',
      },
      {
        Sid: 'Allow use of the key',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${account}:role/ReportWriterApp` },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        Resource: '*',
      },
    ],
  };
}
