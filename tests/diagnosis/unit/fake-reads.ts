/**
 * A plain in-memory `DiagnosisReads` for the engine's unit tests: the seed setup as data, every answer
 * editable, every call counted. With `delayed`, each read settles on a later macrotask and records its
 * round (1 + the highest round settled when it was issued), so tests can assert how many sequential
 * rounds of reads one diagnosis needs.
 */

import {
  type BucketEncryption,
  type BucketOwnershipControls,
  type CallerIdentity,
  type DiagnosisReads,
  type KeyMetadata,
  type ObjectAcl,
  type ObjectHead,
  type ObjectLockConfiguration,
  type Read,
  type ReplicationConfiguration,
  type ReplicationRule,
  type Role,
  type Side,
  TransientReadError,
} from '../../../shared/diagnosis/reads.js';
import type { Diagnosis } from '../../../shared/diagnosis/types.js';
import type { ReplicationFailure } from '../../../shared/events/types.js';
import type { KmsGrant, NamedPolicy, PolicyDocument, PolicyStatement } from '../../../shared/policy/types.js';
import {
  DESTINATION_BUCKET,
  DESTINATION_BUCKET_ARN,
  OBJECT_KEY,
  OBJECT_VERSION_ID,
  ROLE_ARN,
  ROLE_NAME,
  ROLE_POLICY_NAME,
  RULE_ID,
  SOURCE_ACCOUNT,
  SOURCE_BUCKET,
  SOURCE_CANONICAL_ID,
  seedReplicationConfiguration,
  seedRolePolicy,
  seedTrustPolicy,
} from '../../support/seed-setup.js';

export const ok = <T>(value: T): Read<T> => ({ status: 'ok', value });
export const notFound = (error = 'NotFound'): Read<never> => ({ status: 'not-found', error });
export const denied = (error = 'AccessDenied'): Read<never> => ({ status: 'denied', error });

type PerSide<T> = Record<Side, Read<T>>;

export interface World {
  caller: Read<CallerIdentity>;
  organization: Read<{ Id: string; MasterAccountId?: string }>;
  replication: Read<ReplicationConfiguration | null>;
  versioning: PerSide<'Enabled' | 'Suspended' | null>;
  region: PerSide<string>;
  policy: PerSide<PolicyDocument | null>;
  ownership: PerSide<BucketOwnershipControls | null>;
  objectLock: PerSide<ObjectLockConfiguration | null>;
  encryption: PerSide<BucketEncryption | null>;
  requestPayment: PerSide<'Requester' | 'BucketOwner'>;
  /** By object key; a key not listed is not found. */
  heads: Record<string, Read<ObjectHead>>;
  tagging: Record<string, Read<{ Key: string; Value: string }[]>>;
  acl: Record<string, Read<ObjectAcl>>;
  /** Undefined: the reads offer no getBucketAcl (as the snapshot contract's list). */
  bucketAcl?: Read<ObjectAcl>;
  role: Read<Role>;
  inline: Read<NamedPolicy[]>;
  attached: Read<NamedPolicy[]>;
  managed: Record<string, Read<NamedPolicy>>;
  keys: Record<string, Read<KeyMetadata>>;
  keyPolicies: Record<string, Read<PolicyDocument>>;
  grants: Record<string, Read<KmsGrant[]>>;
}

export function seedWorld(): World {
  return {
    caller: ok({ Account: SOURCE_ACCOUNT, Arn: `arn:aws:iam::${SOURCE_ACCOUNT}:role/diagnoser` }),
    organization: notFound('AWSOrganizationsNotInUseException'),
    replication: ok(seedReplicationConfiguration()),
    versioning: { source: ok('Enabled'), destination: ok('Enabled') },
    region: { source: ok('us-east-1'), destination: ok('eu-west-1') },
    policy: { source: ok(null), destination: ok(null) },
    ownership: {
      source: ok({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] }),
      destination: ok({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] }),
    },
    objectLock: { source: ok(null), destination: ok(null) },
    encryption: {
      source: ok({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] }),
      destination: ok({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] }),
    },
    requestPayment: { source: ok('BucketOwner'), destination: ok('BucketOwner') },
    heads: {
      [OBJECT_KEY]: ok({
        ReplicationStatus: 'FAILED',
        ServerSideEncryption: 'AES256',
        StorageClass: 'STANDARD',
        VersionId: OBJECT_VERSION_ID,
      }),
    },
    tagging: { [OBJECT_KEY]: ok([]) },
    acl: { [OBJECT_KEY]: ok({ Owner: { ID: SOURCE_CANONICAL_ID } }) },
    role: ok({ Arn: ROLE_ARN, RoleName: ROLE_NAME, AssumeRolePolicyDocument: seedTrustPolicy() }),
    inline: ok([{ name: ROLE_POLICY_NAME, kind: 'inline', document: seedRolePolicy() }]),
    attached: ok([]),
    managed: {},
    keys: {},
    keyPolicies: {},
    grants: {},
  };
}

/** Causes as `location/problem`, in order. */
export const causeKinds = (diagnosis: Diagnosis): string[] =>
  diagnosis.causes.map((cause) => `${cause.location}/${cause.problem}`);

/** The contract fields a test pins for each cause, in order. */
export const causeShapes = (diagnosis: Diagnosis) =>
  diagnosis.causes.map(({ location, problem, missingActions }) => ({ location, problem, missingActions }));

export function seedFailure(overrides: Partial<ReplicationFailure> = {}): ReplicationFailure {
  return {
    eventName: 'Replication:OperationFailedReplication',
    eventVersion: '2.2',
    eventTime: '2024-09-05T21:04:32.527Z',
    awsRegion: 'us-east-1',
    sourceBucket: SOURCE_BUCKET,
    sourceBucketOwner: SOURCE_ACCOUNT,
    key: OBJECT_KEY,
    rawKey: encodeURIComponent(OBJECT_KEY).replaceAll('%20', '+'),
    versionId: OBJECT_VERSION_ID,
    ruleId: RULE_ID,
    destinationBucket: DESTINATION_BUCKET,
    destinationBucketArn: DESTINATION_BUCKET_ARN,
    s3Operation: 'OBJECT_PUT',
    failureReason: 'DstPutObjectNotPermitted',
    ...overrides,
  };
}

/** The seed role policy with one statement replaced (by Sid) or removed (`undefined`). */
export function rolePolicyWith(sid: string, statement: PolicyStatement | undefined): PolicyDocument {
  const statements = (seedRolePolicy().Statement as PolicyStatement[]).flatMap((s) =>
    s.Sid === sid ? (statement ? [statement] : []) : [s],
  );
  return { Version: '2012-10-17', Statement: statements };
}

/** The seed configuration and its rule, to edit in place. */
export function configOf(world: World): ReplicationConfiguration {
  if (world.replication.status !== 'ok' || !world.replication.value)
    throw new Error('the world has no configuration');
  return world.replication.value;
}

export function ruleOf(world: World): ReplicationRule {
  const rule = configOf(world).Rules[0];
  if (!rule) throw new Error('the configuration has no rule');
  return rule;
}

export interface FakeOptions {
  /** Settle every read on a later macrotask, recording rounds. */
  delayed?: boolean;
  /**
   * Reads that take two sequential calls in the real reads layer (a list, then a get per item): in delayed
   * mode they settle one round later.
   */
  twoStep?: ReadonlySet<string>;
  /** Throw a TransientReadError for the calls it returns true for. */
  transient?: (method: string, args: readonly unknown[]) => boolean;
}

export interface FakeReads extends DiagnosisReads {
  calls: Array<{ method: string; args: unknown[]; round: number }>;
  count(method?: string): number;
  /** The deepest round of reads issued (delayed mode). */
  rounds(): number;
}

export function fakeReads(world: World, options: FakeOptions = {}): FakeReads {
  const calls: FakeReads['calls'] = [];
  let settledRound = 0;

  function answer<T>(method: string, args: unknown[], value: () => Read<T>): Promise<Read<T>> {
    const round = settledRound + 1;
    calls.push({ method, args, round });
    const settle = (): Read<T> => {
      if (options.transient?.(method, args)) {
        throw new TransientReadError(`${method} throttled`, method, {
          cause: new Error('ThrottlingException'),
        });
      }
      return structuredClone(value());
    };
    if (!options.delayed) return Promise.resolve().then(settle);
    const hops = options.twoStep?.has(method) ? 2 : 1;
    return new Promise((resolve, reject) => {
      const hop = (left: number, reached: number): void => {
        setTimeout(() => {
          settledRound = Math.max(settledRound, reached);
          if (left > 1) return hop(left - 1, reached + 1);
          try {
            resolve(settle());
          } catch (error) {
            reject(error);
          }
        }, 0);
      };
      hop(hops, round);
    });
  }

  const byKey = <T>(table: Record<string, Read<T>>, key: string): Read<T> => table[key] ?? notFound();

  const reads: FakeReads = {
    calls,
    count: (method) => (method ? calls.filter((call) => call.method === method).length : calls.length),
    rounds: () => Math.max(0, ...calls.map((call) => call.round)),
    getCallerIdentity: () => answer('getCallerIdentity', [], () => world.caller),
    describeOrganization: () => answer('describeOrganization', [], () => world.organization),
    getBucketReplication: (bucket) => answer('getBucketReplication', [bucket], () => world.replication),
    getBucketVersioning: (bucket, side) =>
      answer('getBucketVersioning', [bucket, side], () => world.versioning[side]),
    getBucketRegion: (bucket, side) => answer('getBucketRegion', [bucket, side], () => world.region[side]),
    getBucketPolicy: (bucket, side) => answer('getBucketPolicy', [bucket, side], () => world.policy[side]),
    getBucketOwnershipControls: (bucket, side) =>
      answer('getBucketOwnershipControls', [bucket, side], () => world.ownership[side]),
    getObjectLockConfiguration: (bucket, side) =>
      answer('getObjectLockConfiguration', [bucket, side], () => world.objectLock[side]),
    getBucketEncryption: (bucket, side) =>
      answer('getBucketEncryption', [bucket, side], () => world.encryption[side]),
    getBucketRequestPayment: (bucket, side) =>
      answer('getBucketRequestPayment', [bucket, side], () => world.requestPayment[side]),
    headObject: (bucket, key, versionId) =>
      answer('headObject', [bucket, key, versionId], () => byKey(world.heads, key)),
    getObjectTagging: (bucket, key, versionId) =>
      answer('getObjectTagging', [bucket, key, versionId], () => byKey(world.tagging, key)),
    getObjectAcl: (bucket, key, versionId) =>
      answer('getObjectAcl', [bucket, key, versionId], () => byKey(world.acl, key)),
    getRole: (roleName) => answer('getRole', [roleName], () => world.role),
    getRoleInlinePolicies: (roleName) => answer('getRoleInlinePolicies', [roleName], () => world.inline),
    getRoleAttachedPolicies: (roleName) =>
      answer('getRoleAttachedPolicies', [roleName], () => world.attached),
    getManagedPolicy: (arn) => answer('getManagedPolicy', [arn], () => byKey(world.managed, arn)),
    describeKey: (keyId, region) => answer('describeKey', [keyId, region], () => byKey(world.keys, keyId)),
    getKeyPolicy: (keyArn) => answer('getKeyPolicy', [keyArn], () => byKey(world.keyPolicies, keyArn)),
    listGrants: (keyArn) => answer('listGrants', [keyArn], () => world.grants[keyArn] ?? ok([])),
  };
  if (world.bucketAcl) {
    const bucketAcl = world.bucketAcl;
    reads.getBucketAcl = (bucket, side) => answer('getBucketAcl', [bucket, side], () => bucketAcl);
  }
  return reads;
}
