/**
 * Policies as the seed setup (the AWS CRR guide) and the S3 replication docs write them, plus small
 * builders so each test changes one thing.
 */
import type { RequestContext } from '../../shared/policy/api.js';
import { kmsRequestContext, s3RequestContext } from '../../shared/policy/replication-context.js';
import type { KmsGrant, NamedPolicy, PolicyDocument, PolicyStatement } from '../../shared/policy/types.js';

export const SOURCE_ACCOUNT = '123456789012';
export const DESTINATION_ACCOUNT = '444455556666';
export const SOURCE_REGION = 'us-east-1';
export const DESTINATION_REGION = 'eu-west-1';
export const SOURCE_BUCKET = 'my-source-bucket-use1';
export const DESTINATION_BUCKET = 'my-destination-bucket-euw1';
export const ROLE_ARN = `arn:aws:iam::${SOURCE_ACCOUNT}:role/S3ReplicationRole`;
export const SESSION_ARN = `arn:aws:sts::${SOURCE_ACCOUNT}:assumed-role/S3ReplicationRole/s3-replication`;
export const OBJECT_KEY = 'finance/2024/q3 report.pdf';
export const SOURCE_OBJECT_ARN = `arn:aws:s3:::${SOURCE_BUCKET}/${OBJECT_KEY}`;
export const DESTINATION_OBJECT_ARN = `arn:aws:s3:::${DESTINATION_BUCKET}/${OBJECT_KEY}`;
export const SOURCE_KEY_ARN = `arn:aws:kms:${SOURCE_REGION}:${SOURCE_ACCOUNT}:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d`;
export const replicaKeyArn = (account: string): string =>
  `arn:aws:kms:${DESTINATION_REGION}:${account}:key/9f8e7d6c-5b4a-4f3e-8d2c-1b0a9f8e7d6c`;

const NOW = new Date('2025-03-01T12:00:00Z');

export function doc(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

export const inline = (document: PolicyDocument, name = 'S3ReplicationPolicy'): NamedPolicy => ({
  name,
  kind: 'inline',
  document,
});
export const managed = (document: PolicyDocument, name: string): NamedPolicy => ({
  name,
  kind: 'managed',
  document,
});
export const boundaryPolicy = (document: PolicyDocument, name = 'ReplicationBoundary'): NamedPolicy => ({
  name,
  kind: 'boundary',
  document,
});
export const bucketPolicy = (document: PolicyDocument, bucket = DESTINATION_BUCKET): NamedPolicy => ({
  name: `bucket policy of ${bucket}`,
  kind: 'bucket',
  document,
});
export const keyPolicy = (document: PolicyDocument, keyArn: string): NamedPolicy => ({
  name: `key policy of ${keyArn}`,
  kind: 'key',
  document,
});

/** Step 2b of the guide: the inline permissions policy `S3ReplicationPolicy`, verbatim. */
export function seedRolePolicy(): PolicyDocument {
  return doc(
    {
      Sid: 'SourceBucketReadAccess',
      Effect: 'Allow',
      Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      Resource: `arn:aws:s3:::${SOURCE_BUCKET}`,
    },
    {
      Sid: 'SourceObjectReadAccess',
      Effect: 'Allow',
      Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
      Resource: `arn:aws:s3:::${SOURCE_BUCKET}/*`,
    },
    {
      Sid: 'DestinationBucketWriteAccess',
      Effect: 'Allow',
      Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
      Resource: `arn:aws:s3:::${DESTINATION_BUCKET}/*`,
    },
  );
}

/** The guide's cross-account destination bucket policy, naming the role ARN. */
export function seedDestinationBucketPolicy(): PolicyDocument {
  return doc({
    Sid: 'AllowCrossAccountReplication',
    Effect: 'Allow',
    Principal: { AWS: ROLE_ARN },
    Action: [
      's3:ReplicateObject',
      's3:ReplicateDelete',
      's3:ReplicateTags',
      's3:ObjectOwnerOverrideToBucketOwner',
    ],
    Resource: `arn:aws:s3:::${DESTINATION_BUCKET}/*`,
  });
}

/** A KMS key's default policy: the account root may do everything, so IAM policies decide. */
export function defaultKeyPolicy(account: string): PolicyDocument {
  return doc({
    Sid: 'Enable IAM User Permissions',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${account}:root` },
    Action: 'kms:*',
    Resource: '*',
  });
}

/** The S3 KMS replication guide's role statement for the replica key. */
export function replicaKeyRoleStatement(keyArn: string): PolicyStatement {
  return {
    Sid: 'EncryptReplicas',
    Effect: 'Allow',
    Action: ['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:Decrypt'],
    Resource: keyArn,
    Condition: {
      StringLike: {
        'kms:ViaService': `s3.${DESTINATION_REGION}.amazonaws.com`,
        'kms:EncryptionContext:aws:s3:arn': [`arn:aws:s3:::${DESTINATION_BUCKET}/*`],
      },
    },
  };
}

/** The S3 KMS replication guide's role statement for the source key. */
export function sourceKeyRoleStatement(): PolicyStatement {
  return {
    Sid: 'DecryptSourceObjects',
    Effect: 'Allow',
    Action: ['kms:Decrypt'],
    Resource: [SOURCE_KEY_ARN],
    Condition: {
      StringLike: {
        'kms:ViaService': `s3.${SOURCE_REGION}.amazonaws.com`,
        'kms:EncryptionContext:aws:s3:arn': [`arn:aws:s3:::${SOURCE_BUCKET}/*`],
      },
    },
  };
}

/** A write of the replica to the destination bucket in `resourceAccount`. */
export function s3Write(
  resourceAccount: string,
  overrides: Partial<RequestContext> = {},
  encryption?: { serverSideEncryption: string; kmsKeyId?: string },
): RequestContext {
  return {
    principalArn: ROLE_ARN,
    principalAccount: SOURCE_ACCOUNT,
    action: 's3:ReplicateObject',
    resource: DESTINATION_OBJECT_ARN,
    resourceAccount,
    context: s3RequestContext({
      roleArn: ROLE_ARN,
      region: DESTINATION_REGION,
      resourceAccount,
      now: NOW,
      ...(encryption ?? {}),
    }),
    ...overrides,
  };
}

/** A read of the source object version in the role's own account. */
export function s3Read(overrides: Partial<RequestContext> = {}): RequestContext {
  return {
    principalArn: ROLE_ARN,
    principalAccount: SOURCE_ACCOUNT,
    action: 's3:GetObjectVersionForReplication',
    resource: SOURCE_OBJECT_ARN,
    resourceAccount: SOURCE_ACCOUNT,
    context: s3RequestContext({
      roleArn: ROLE_ARN,
      region: SOURCE_REGION,
      resourceAccount: SOURCE_ACCOUNT,
      now: NOW,
    }),
    ...overrides,
  };
}

/** A KMS call S3 makes with the role for the replica key in `keyAccount`. */
export function kmsCall(
  keyAccount: string,
  action = 'kms:GenerateDataKey',
  encryptionContextArn = DESTINATION_OBJECT_ARN,
  region = DESTINATION_REGION,
): RequestContext {
  return {
    principalArn: ROLE_ARN,
    principalAccount: SOURCE_ACCOUNT,
    action,
    resource:
      keyAccount === SOURCE_ACCOUNT && region === SOURCE_REGION ? SOURCE_KEY_ARN : replicaKeyArn(keyAccount),
    resourceAccount: keyAccount,
    context: kmsRequestContext({
      roleArn: ROLE_ARN,
      region,
      encryptionContextArn,
      resourceAccount: keyAccount,
      now: NOW,
    }),
  };
}

export function grant(overrides: Partial<KmsGrant> = {}): KmsGrant {
  return {
    GrantId: 'grant-1',
    GranteePrincipal: ROLE_ARN,
    Operations: ['Encrypt', 'GenerateDataKey', 'Decrypt'],
    ...overrides,
  };
}

/** The statements of a document, as a list (to extend a fixture by one statement). */
export function statements(document: PolicyDocument): PolicyStatement[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}
