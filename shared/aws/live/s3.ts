import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketRequestPaymentCommand,
  GetBucketVersioningCommand,
  GetObjectAclCommand,
  GetObjectLockConfigurationCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { LiveService, SendingClient } from './service.js';

export const service: LiveService = {
  // A bucket read sent to the wrong region is redirected instead of failing with a 301.
  client: (config) => new S3Client({ ...config, followRegionRedirects: true }) as unknown as SendingClient,
  commands: {
    GetBucketReplication: GetBucketReplicationCommand,
    GetBucketVersioning: GetBucketVersioningCommand,
    GetBucketLocation: GetBucketLocationCommand,
    GetBucketPolicy: GetBucketPolicyCommand,
    GetBucketAcl: GetBucketAclCommand,
    GetBucketOwnershipControls: GetBucketOwnershipControlsCommand,
    GetObjectLockConfiguration: GetObjectLockConfigurationCommand,
    GetBucketEncryption: GetBucketEncryptionCommand,
    GetBucketRequestPayment: GetBucketRequestPaymentCommand,
    HeadObject: HeadObjectCommand,
    GetObjectTagging: GetObjectTaggingCommand,
    GetObjectAcl: GetObjectAclCommand,
  },
};
