/**
 * The calls the live gateway can send, named as in the snapshot contract, and where each service's SDK
 * client lives. A service's module (shared/aws/live/) is loaded on its first call: a function whose work
 * never reads KMS or Organizations does not pay for loading those clients at every cold start.
 */
import type { AwsService } from './caller.js';
import type { LiveService } from './live/service.js';

export type {
  ClientConfig,
  CommandClass,
  LiveService,
  S3ClientCredentials,
  SendingClient,
} from './live/service.js';

/** Every command by service; each service's module must give a class for exactly these (a test checks). */
export const LIVE_COMMANDS = {
  S3: [
    'GetBucketReplication',
    'GetBucketVersioning',
    'GetBucketLocation',
    'GetBucketPolicy',
    'GetBucketAcl',
    'GetBucketOwnershipControls',
    'GetObjectLockConfiguration',
    'GetBucketEncryption',
    'GetBucketRequestPayment',
    'HeadObject',
    'GetObjectTagging',
    'GetObjectAcl',
  ],
  IAM: [
    'GetRole',
    'ListRolePolicies',
    'GetRolePolicy',
    'ListAttachedRolePolicies',
    'GetPolicy',
    'GetPolicyVersion',
  ],
  KMS: ['DescribeKey', 'GetKeyPolicy', 'ListGrants'],
  STS: ['GetCallerIdentity'],
  Organizations: ['DescribeOrganization'],
} as const satisfies Partial<Record<AwsService, readonly string[]>>;

export type LiveServiceName = keyof typeof LIVE_COMMANDS;

/** Loads a service's client and commands (Node caches the module: the first call pays, later ones do not). */
export const LIVE_SERVICES: Record<LiveServiceName, () => Promise<LiveService>> = {
  S3: async () => (await import('./live/s3.js')).service,
  IAM: async () => (await import('./live/iam.js')).service,
  KMS: async () => (await import('./live/kms.js')).service,
  STS: async () => (await import('./live/sts.js')).service,
  Organizations: async () => (await import('./live/organizations.js')).service,
};

export function isLiveService(service: string): service is LiveServiceName {
  return Object.hasOwn(LIVE_SERVICES, service);
}
