/**
 * The SDK commands the live gateway can send, named as in the snapshot contract. An explicit table (not a
 * namespace import) so that a bundle carries only these commands.
 */

import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListGrantsCommand } from '@aws-sdk/client-kms';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
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
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsService } from './caller.js';

/** Any SDK v3 command class. Its input type is erased: the input comes as data and AWS validates it. */
export type CommandClass = new (input: never) => object;

/** Any SDK v3 client, seen through the one method the gateway uses. */
export interface SendingClient {
  send(command: object): Promise<unknown>;
}

export interface ClientConfig {
  region: string;
  maxAttempts: number;
  credentials?: S3ClientCredentials;
}

export type S3ClientCredentials = NonNullable<ConstructorParameters<typeof S3Client>[0]>['credentials'];

export const LIVE_COMMANDS: Partial<Record<AwsService, Readonly<Record<string, CommandClass>>>> = {
  S3: {
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
  IAM: {
    GetRole: GetRoleCommand,
    ListRolePolicies: ListRolePoliciesCommand,
    GetRolePolicy: GetRolePolicyCommand,
    ListAttachedRolePolicies: ListAttachedRolePoliciesCommand,
    GetPolicy: GetPolicyCommand,
    GetPolicyVersion: GetPolicyVersionCommand,
  },
  KMS: {
    DescribeKey: DescribeKeyCommand,
    GetKeyPolicy: GetKeyPolicyCommand,
    ListGrants: ListGrantsCommand,
  },
  STS: {
    GetCallerIdentity: GetCallerIdentityCommand,
  },
  Organizations: {
    DescribeOrganization: DescribeOrganizationCommand,
  },
};

export const LIVE_CLIENTS: Partial<Record<AwsService, (config: ClientConfig) => SendingClient>> = {
  // A bucket read sent to the wrong region is redirected instead of failing with a 301.
  S3: (config) => new S3Client({ ...config, followRegionRedirects: true }) as unknown as SendingClient,
  IAM: (config) => new IAMClient(config) as unknown as SendingClient,
  KMS: (config) => new KMSClient(config) as unknown as SendingClient,
  STS: (config) => new STSClient(config) as unknown as SendingClient,
  Organizations: (config) => new OrganizationsClient(config) as unknown as SendingClient,
};
