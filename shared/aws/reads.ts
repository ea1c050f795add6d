/**
 * `DiagnosisReads` over any `AwsCaller`: the live SDK gateway and a replayed snapshot answer through the
 * same code, so what a diagnosis concludes from a snapshot is what it concludes from the account.
 */
import type {
  BucketEncryption,
  BucketOwnershipControls,
  CallerIdentity,
  DiagnosisReads,
  ObjectLockConfiguration,
  Read,
  ReplicationConfiguration,
  Role,
  Side,
} from '../diagnosis/reads.js';
import type { NamedPolicy } from '../policy/types.js';
import { parseArn } from './arn.js';
import { type CallOutcome, type CallReaderOptions, createCallReader, type ReadStats } from './call-reader.js';
import type { AwsCaller, AwsCallOptions, AwsService } from './caller.js';
import { isPlainObject } from './json-values.js';
import { type ParsedPolicy, parseIamPolicyDocument, parsePolicyJson } from './policy-documents.js';
import {
  nestedField,
  normaliseLocation,
  toGrant,
  toKeyMetadata,
  toObjectAcl,
  toObjectHead,
  toTags,
} from './sdk-outputs.js';

export interface ReadsOptions extends CallReaderOptions {
  /** The region of source-account calls that have no region of their own. Default: the caller's. */
  sourceRegion?: string;
  /** The diagnoser's account; learned from `GetCallerIdentity` when not given. Decides a KMS key's side. */
  sourceAccount?: string;
  /**
   * Send destination-bucket reads to the bucket's own region, learned first with `GetBucketLocation`.
   * Default: on. A replay needs it only when its records name regions (see `snapshotReads`).
   */
  resolveBucketRegions?: boolean;
}

export type CountingReads = DiagnosisReads & {
  stats(): ReadStats;
  clearCache(): void;
};

export type { ReadStats } from './call-reader.js';

/** Beyond this many pages a list is treated as unreadable rather than followed forever. */
const MAX_PAGES = 1_000;

type Failure = Exclude<Read<never>, { status: 'ok' }>;

const ok = <T>(value: T): Read<T> => ({ status: 'ok', value });
const denied = (error: string): Failure => ({ status: 'denied', error });

export function createReads(caller: AwsCaller, options: ReadsOptions = {}): CountingReads {
  const calls = createCallReader(caller, options);
  const defaultRegion = options.sourceRegion;
  const resolveBucketRegions = options.resolveBucketRegions ?? true;
  // Facts that never change while a diagnoser runs, kept apart from the TTL cache so that turning the cache
  // off does not double every destination or KMS read.
  const bucketRegions = new Map<string, Promise<string | undefined>>();
  let sourceAccount: Promise<string | undefined> | undefined;

  function call(
    service: AwsService,
    command: string,
    input: Record<string, unknown>,
    route: { region?: string | undefined; side?: Side } = {},
  ): Promise<CallOutcome> {
    const callOptions: AwsCallOptions = {};
    const region = route.region ?? defaultRegion;
    if (region !== undefined) callOptions.region = region;
    if (route.side === 'destination') callOptions.side = 'destination';
    return calls.read(service, command, input, callOptions);
  }

  /** Maps an outcome: `absent` is a value only where the caller says what it means. */
  function settle<T>(
    outcome: CallOutcome,
    onOk: (output: Record<string, unknown>) => Read<T>,
    onAbsent?: () => Read<T>,
  ): Read<T> {
    switch (outcome.status) {
      case 'ok':
        return onOk(outcome.output);
      case 'absent':
        return onAbsent ? onAbsent() : failureOf(outcome);
      case 'not-found':
      case 'denied':
        return failureOf(outcome);
      default: {
        const unhandled: never = outcome;
        throw new Error(`unhandled outcome ${JSON.stringify(unhandled)}`);
      }
    }
  }

  function memoOk<T>(promise: Promise<T | undefined>, forget: () => void): Promise<T | undefined> {
    promise.then(
      (value) => {
        if (value === undefined) forget();
      },
      () => forget(),
    );
    return promise;
  }

  async function getBucketRegion(bucket: string, side: Side): Promise<Read<string>> {
    const outcome = await call('S3', 'GetBucketLocation', { Bucket: bucket }, { side });
    return settle(outcome, (output) => ok(normaliseLocation(output.LocationConstraint)));
  }

  function bucketRoute(bucket: string, side: Side): Promise<{ region?: string; side: Side }> {
    if (side === 'source' || !resolveBucketRegions) return Promise.resolve({ side });
    let region = bucketRegions.get(bucket);
    if (!region) {
      region = memoOk(
        getBucketRegion(bucket, 'destination').then((read) =>
          read.status === 'ok' ? read.value : undefined,
        ),
        () => bucketRegions.delete(bucket),
      );
      bucketRegions.set(bucket, region);
    }
    return region.then((value) => (value === undefined ? { side } : { region: value, side }));
  }

  async function bucketCall(bucket: string, side: Side, command: string): Promise<CallOutcome> {
    return call('S3', command, { Bucket: bucket }, await bucketRoute(bucket, side));
  }

  async function getCallerIdentity(): Promise<Read<CallerIdentity>> {
    return settle(await call('STS', 'GetCallerIdentity', {}), (output) => {
      const { Account, Arn } = output;
      if (typeof Account !== 'string' || typeof Arn !== 'string') {
        return denied('GetCallerIdentity answered without Account and Arn');
      }
      return ok({ Account, Arn });
    });
  }

  function knownSourceAccount(): Promise<string | undefined> {
    if (options.sourceAccount) return Promise.resolve(options.sourceAccount);
    if (!sourceAccount) {
      sourceAccount = memoOk(
        getCallerIdentity().then((read) => (read.status === 'ok' ? read.value.Account : undefined)),
        () => {
          sourceAccount = undefined;
        },
      );
    }
    return sourceAccount;
  }

  /** A key named by ARN is read in its own region, through the destination side when another account owns it. */
  async function keyRoute(keyId: string, region?: string): Promise<{ region?: string; side: Side }> {
    const arn = parseArn(keyId);
    if (arn?.service !== 'kms') return region === undefined ? { side: 'source' } : { region, side: 'source' };
    const source = await knownSourceAccount();
    const side: Side =
      source !== undefined && arn.account !== '' && arn.account !== source ? 'destination' : 'source';
    return arn.region ? { region: arn.region, side } : { side };
  }

  /** Follows `Marker`s to the end; one page is the usual answer, but live accounts may have more. */
  async function listAll(
    service: AwsService,
    command: string,
    input: Record<string, unknown>,
    field: string,
    page: { nextMarker: string; truncated: string },
    route: { region?: string; side?: Side } = {},
  ): Promise<Read<unknown[]>> {
    const items: unknown[] = [];
    const seen = new Set<string>();
    let marker: string | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages += 1) {
      const outcome = await call(
        service,
        command,
        marker === undefined ? input : { ...input, Marker: marker },
        route,
      );
      if (outcome.status !== 'ok') return failureOf(outcome);
      const pageItems = outcome.output[field];
      if (Array.isArray(pageItems)) items.push(...pageItems);
      const next = outcome.output[page.nextMarker];
      if (outcome.output[page.truncated] !== true || typeof next !== 'string' || next === '')
        return ok(items);
      if (seen.has(next))
        return denied(`${service} ${command} repeated the page marker ${next}; the list is unreadable`);
      seen.add(next);
      marker = next;
    }
    return denied(`${service} ${command} returned more than ${MAX_PAGES} pages`);
  }

  async function readManagedPolicy(policyArn: string, kind: NamedPolicy['kind']): Promise<Read<NamedPolicy>> {
    const policy = await call('IAM', 'GetPolicy', { PolicyArn: policyArn });
    if (policy.status !== 'ok') return failureOf(policy);
    const versionId = nestedField(policy.output, 'Policy', 'DefaultVersionId');
    if (typeof versionId !== 'string') return denied(`GetPolicy gave no DefaultVersionId for ${policyArn}`);
    const version = await call('IAM', 'GetPolicyVersion', { PolicyArn: policyArn, VersionId: versionId });
    return settle(version, (output) =>
      toNamed(parseIamPolicyDocument(nestedField(output, 'PolicyVersion', 'Document')), policyArn, kind),
    );
  }

  /** All of a list's policies, or the first failure: a partial set of policies would give false verdicts. */
  async function allPolicies(reads: Promise<Read<NamedPolicy>>[]): Promise<Read<NamedPolicy[]>> {
    const results = await Promise.all(reads);
    const policies: NamedPolicy[] = [];
    for (const result of results) {
      // A policy deleted between the list and the read is simply no longer part of the set.
      if (result.status === 'not-found') continue;
      if (result.status !== 'ok') return result;
      policies.push(result.value);
    }
    return ok(policies);
  }

  const reads: CountingReads = {
    getCallerIdentity,

    async describeOrganization() {
      return settle(await call('Organizations', 'DescribeOrganization', {}), (output) => {
        const organization = output.Organization;
        if (!isPlainObject(organization) || typeof organization.Id !== 'string') {
          return { status: 'not-found', error: 'DescribeOrganization answered without an organization' };
        }
        const master = organization.MasterAccountId;
        return ok({
          Id: organization.Id,
          ...(typeof master === 'string' ? { MasterAccountId: master } : {}),
        });
      });
    },

    async getBucketReplication(bucket) {
      return settle(
        await bucketCall(bucket, 'source', 'GetBucketReplication'),
        (output) =>
          ok(
            isPlainObject(output.ReplicationConfiguration)
              ? (output.ReplicationConfiguration as unknown as ReplicationConfiguration)
              : null,
          ),
        () => ok(null),
      );
    },

    async getBucketVersioning(bucket, side) {
      return settle(await bucketCall(bucket, side, 'GetBucketVersioning'), (output) =>
        ok(output.Status === 'Enabled' || output.Status === 'Suspended' ? output.Status : null),
      );
    },

    getBucketRegion,

    async getBucketPolicy(bucket, side) {
      return settle(
        await bucketCall(bucket, side, 'GetBucketPolicy'),
        (output) => {
          if (output.Policy === undefined) return ok(null);
          const parsed = parsePolicyJson(output.Policy);
          return parsed.ok ? ok(parsed.document) : denied(`bucket policy of ${bucket}: ${parsed.error}`);
        },
        () => ok(null),
      );
    },

    async getBucketOwnershipControls(bucket, side) {
      return settle(
        await bucketCall(bucket, side, 'GetBucketOwnershipControls'),
        (output) => {
          const rules = nestedField(output, 'OwnershipControls', 'Rules');
          return ok(Array.isArray(rules) ? ({ Rules: rules } as BucketOwnershipControls) : null);
        },
        () => ok(null),
      );
    },

    async getObjectLockConfiguration(bucket, side) {
      return settle(
        await bucketCall(bucket, side, 'GetObjectLockConfiguration'),
        (output) =>
          ok(
            isPlainObject(output.ObjectLockConfiguration)
              ? (output.ObjectLockConfiguration as ObjectLockConfiguration)
              : null,
          ),
        () => ok(null),
      );
    },

    async getBucketEncryption(bucket, side) {
      return settle(
        await bucketCall(bucket, side, 'GetBucketEncryption'),
        (output) => {
          const rules = nestedField(output, 'ServerSideEncryptionConfiguration', 'Rules');
          return ok(Array.isArray(rules) ? ({ Rules: rules } as BucketEncryption) : null);
        },
        () => ok(null),
      );
    },

    async getBucketRequestPayment(bucket, side) {
      return settle(await bucketCall(bucket, side, 'GetBucketRequestPayment'), (output) =>
        ok(output.Payer === 'Requester' ? 'Requester' : 'BucketOwner'),
      );
    },

    async headObject(bucket, key, versionId) {
      const outcome = await call('S3', 'HeadObject', objectInput(bucket, key, versionId));
      // S3 answers HEAD on a version that is a delete marker with a bodiless 405.
      if (
        outcome.status === 'denied' &&
        (outcome.httpStatusCode === 405 || outcome.errorName === 'MethodNotAllowed')
      ) {
        return ok({ DeleteMarker: true, ...(versionId === undefined ? {} : { VersionId: versionId }) });
      }
      return settle(outcome, (output) => ok(toObjectHead(output)));
    },

    async getObjectTagging(bucket, key, versionId) {
      return settle(await call('S3', 'GetObjectTagging', objectInput(bucket, key, versionId)), (output) =>
        ok(toTags(output)),
      );
    },

    async getObjectAcl(bucket, key, versionId) {
      return settle(await call('S3', 'GetObjectAcl', objectInput(bucket, key, versionId)), (output) =>
        ok(toObjectAcl(output)),
      );
    },

    async getBucketAcl(bucket, side) {
      return settle(await bucketCall(bucket, side, 'GetBucketAcl'), (output) => ok(toObjectAcl(output)));
    },

    async getRole(roleName) {
      return settle(await call('IAM', 'GetRole', { RoleName: roleName }), (output) => {
        const role = output.Role;
        if (!isPlainObject(role) || typeof role.Arn !== 'string')
          return denied(`GetRole gave no role for ${roleName}`);
        const result: Role = {
          Arn: role.Arn,
          RoleName: typeof role.RoleName === 'string' ? role.RoleName : roleName,
        };
        if (role.AssumeRolePolicyDocument !== undefined) {
          const trust = parseIamPolicyDocument(role.AssumeRolePolicyDocument);
          if (!trust.ok) return denied(`trust policy of ${roleName}: ${trust.error}`);
          result.AssumeRolePolicyDocument = trust.document;
        }
        const boundary = nestedField(role, 'PermissionsBoundary', 'PermissionsBoundaryArn');
        if (typeof boundary === 'string') result.PermissionsBoundaryArn = boundary;
        return ok(result);
      });
    },

    async getRoleInlinePolicies(roleName) {
      const names = await listAll(
        'IAM',
        'ListRolePolicies',
        { RoleName: roleName },
        'PolicyNames',
        IAM_PAGES,
      );
      if (names.status !== 'ok') return names;
      return allPolicies(
        names.value
          .filter((name): name is string => typeof name === 'string')
          .map(async (name) =>
            settle(await call('IAM', 'GetRolePolicy', { RoleName: roleName, PolicyName: name }), (output) =>
              toNamed(parseIamPolicyDocument(output.PolicyDocument), name, 'inline'),
            ),
          ),
      );
    },

    async getRoleAttachedPolicies(roleName) {
      const attached = await listAll(
        'IAM',
        'ListAttachedRolePolicies',
        { RoleName: roleName },
        'AttachedPolicies',
        IAM_PAGES,
      );
      if (attached.status !== 'ok') return attached;
      return allPolicies(
        attached.value
          .map((policy) => (isPlainObject(policy) ? policy.PolicyArn : undefined))
          .filter((arn): arn is string => typeof arn === 'string')
          .map((arn) => readManagedPolicy(arn, 'managed')),
      );
    },

    getManagedPolicy: (policyArn) => readManagedPolicy(policyArn, 'boundary'),

    async describeKey(keyId, region) {
      const outcome = await call('KMS', 'DescribeKey', { KeyId: keyId }, await keyRoute(keyId, region));
      return settle(outcome, (output) => {
        const metadata = toKeyMetadata(output.KeyMetadata);
        return metadata ? ok(metadata) : denied(`DescribeKey gave no key metadata for ${keyId}`);
      });
    },

    async getKeyPolicy(keyArn) {
      const outcome = await call(
        'KMS',
        'GetKeyPolicy',
        { KeyId: keyArn, PolicyName: 'default' },
        await keyRoute(keyArn),
      );
      return settle(outcome, (output) => {
        const parsed = parsePolicyJson(output.Policy);
        return parsed.ok ? ok(parsed.document) : denied(`key policy of ${keyArn}: ${parsed.error}`);
      });
    },

    async listGrants(keyArn) {
      const grants = await listAll(
        'KMS',
        'ListGrants',
        { KeyId: keyArn },
        'Grants',
        KMS_PAGES,
        await keyRoute(keyArn),
      );
      if (grants.status !== 'ok') return grants;
      return ok(grants.value.filter(isPlainObject).map(toGrant));
    },

    stats: () => calls.stats(),
    clearCache() {
      calls.clearCache();
      bucketRegions.clear();
      sourceAccount = undefined;
    },
  };
  return reads;
}

const IAM_PAGES = { nextMarker: 'Marker', truncated: 'IsTruncated' };
const KMS_PAGES = { nextMarker: 'NextMarker', truncated: 'Truncated' };

/** A failed outcome as a read; an unexpected "absent" answer means the thing is not there. */
function failureOf(outcome: Exclude<CallOutcome, { status: 'ok' }>): Failure {
  return { status: outcome.status === 'absent' ? 'not-found' : outcome.status, error: outcome.error };
}

function objectInput(bucket: string, key: string, versionId: string | undefined): Record<string, unknown> {
  return versionId === undefined
    ? { Bucket: bucket, Key: key }
    : { Bucket: bucket, Key: key, VersionId: versionId };
}

function toNamed(parsed: ParsedPolicy, name: string, kind: NamedPolicy['kind']): Read<NamedPolicy> {
  return parsed.ok
    ? ok({ name, kind, document: parsed.document })
    : denied(`policy ${name}: ${parsed.error}`);
}
