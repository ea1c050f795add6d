/**
 * The condition context S3 supplies when it replicates with the replication role, so that bucket and
 * key policy conditions are evaluated against what AWS really sees.
 *
 * Included: keys AWS documents for every signed request by a role session (`aws:SecureTransport`,
 * `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:PrincipalIsAWSService`,
 * `aws:CurrentTime`, `aws:EpochTime`, `aws:RequestedRegion`), the keys the S3 replication guide's
 * examples rely on (`kms:ViaService` = `s3.<region>.amazonaws.com`, `kms:EncryptionContext:aws:s3:arn`,
 * `s3:x-amz-server-side-encryption[-aws-kms-key-id]`), and `kms:CallerAccount`.
 * Left out on purpose: `aws:PrincipalServiceName` (set only for service-principal calls, and S3
 * replicates with the role's session), `aws:SourceArn`/`aws:SourceAccount`, `aws:CalledVia` and
 * `aws:userid` (not documented for replication). A policy condition on a left-out key shows up in
 * `missingContextKeys`, which is the honest answer.
 */
import type { ContextValue } from './api.js';

export interface PrincipalInput {
  /** The replication role's ARN. */
  roleArn: string;
  /** Default: the account in `roleArn`. */
  roleAccount?: string;
  /** The account that owns the bucket or key the request is for (`aws:ResourceAccount`). */
  resourceAccount?: string;
  /** The role account's organization id, when known (`aws:PrincipalOrgID`). */
  principalOrgId?: string;
  /** Request time; default now. */
  now?: Date;
}

export interface S3ContextInput extends PrincipalInput {
  /** Region of the bucket the request goes to (`aws:RequestedRegion`). */
  region?: string;
  /** For writes of encrypted replicas: `aws:kms`, `aws:kms:dsse` or `AES256`. */
  serverSideEncryption?: string;
  /** For SSE-KMS writes: the key ARN S3 encrypts the replica with. */
  kmsKeyId?: string;
}

export interface KmsContextInput extends PrincipalInput {
  /** Region of the key and its bucket: the source Region for the source key, the destination's for the replica key. */
  region: string;
  /** The object ARN, or the bucket ARN when S3 Bucket Keys are enabled (see `s3EncryptionContextArn`). */
  encryptionContextArn: string;
}

function accountIn(arn: string): string {
  return arn.split(':')[4] ?? '';
}

function principalContext(input: PrincipalInput): Record<string, ContextValue> {
  const now = input.now ?? new Date();
  return {
    'aws:SecureTransport': true,
    'aws:PrincipalArn': input.roleArn,
    'aws:PrincipalAccount': input.roleAccount ?? accountIn(input.roleArn),
    'aws:PrincipalType': 'AssumedRole',
    'aws:PrincipalIsAWSService': false,
    'aws:CurrentTime': now.toISOString(),
    'aws:EpochTime': Math.floor(now.getTime() / 1000),
    ...(input.resourceAccount ? { 'aws:ResourceAccount': input.resourceAccount } : {}),
    ...(input.principalOrgId ? { 'aws:PrincipalOrgID': input.principalOrgId } : {}),
  };
}

/** Context of an S3 request made by the replication role (reads on the source, writes on the destination). */
export function s3RequestContext(input: S3ContextInput): Record<string, ContextValue> {
  const context = principalContext(input);
  if (input.region) context['aws:RequestedRegion'] = input.region;
  if (input.serverSideEncryption) {
    context['s3:x-amz-server-side-encryption'] = input.serverSideEncryption;
    if (input.kmsKeyId && input.serverSideEncryption.startsWith('aws:kms')) {
      context['s3:x-amz-server-side-encryption-aws-kms-key-id'] = input.kmsKeyId;
    }
  }
  return context;
}

function s3ServiceHost(region: string): string {
  return region.startsWith('cn-') ? `s3.${region}.amazonaws.com.cn` : `s3.${region}.amazonaws.com`;
}

/** Context of a KMS request S3 makes with the replication role's credentials (Decrypt, GenerateDataKey, Encrypt). */
export function kmsRequestContext(input: KmsContextInput): Record<string, ContextValue> {
  return {
    ...principalContext(input),
    'aws:RequestedRegion': input.region,
    // S3 calls KMS on the role's behalf (forward access session), which is what aws:ViaAWSService reports.
    'aws:ViaAWSService': true,
    'kms:ViaService': s3ServiceHost(input.region),
    'kms:CallerAccount': input.roleAccount ?? accountIn(input.roleArn),
    'kms:EncryptionContext:aws:s3:arn': input.encryptionContextArn,
    'kms:EncryptionContextKeys': ['aws:s3:arn'],
  };
}

/** S3's encryption context value: the object ARN, or the bucket ARN when the object uses an S3 Bucket Key. */
export function s3EncryptionContextArn(input: {
  bucket: string;
  key: string;
  bucketKeyEnabled?: boolean;
  partition?: string;
}): string {
  const partition = input.partition ?? 'aws';
  return input.bucketKeyEnabled
    ? `arn:${partition}:s3:::${input.bucket}`
    : `arn:${partition}:s3:::${input.bucket}/${input.key}`;
}
