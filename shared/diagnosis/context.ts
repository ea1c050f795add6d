/**
 * The facts of one diagnosis, read through the `DiagnosisReads` port. Every read is made at most once
 * per diagnosis and started as soon as what it depends on is known: the checks run concurrently and ask
 * for what they need, so independent reads go out together (one round per dependency level, reference
 * §8: configuration and object first, then role and keys, then boundary and key policies).
 */
import type { ReplicationFailure } from '../events/types.js';
import type { KmsGrant, NamedPolicy, PolicyDocument } from '../policy/types.js';
import type { CheckPlan } from './plans.js';
import type {
  BucketEncryption,
  BucketOwnershipControls,
  CallerIdentity,
  DiagnosisReads,
  KeyMetadata,
  ObjectAcl,
  ObjectHead,
  ObjectLockConfiguration,
  Read,
  ReplicationConfiguration,
  Role,
} from './reads.js';

/** "s3:GetBucketPolicy on dst was denied to the diagnoser (AccessDenied: …)": the wording of every inconclusive entry. */
export function deniedWhy(action: string, target: string, read: { error: string }): string {
  return `${action} on ${target} was denied to the diagnoser (${read.error})`;
}

/** The same wording for a read that found nothing where something was expected (e.g. a key policy). */
export function unreadWhy(
  action: string,
  target: string,
  read: { status: 'denied' | 'not-found'; error: string },
): string {
  return read.status === 'denied'
    ? deniedWhy(action, target, read)
    : `${action} on ${target} found nothing (${read.error})`;
}

/** Memo keys of facts computed from reads (as opposed to the reads themselves) start with this. */
const DERIVED = 'derived:';

export class DiagnosisContext {
  private readonly memo: Map<string, Promise<unknown>>;

  constructor(
    readonly failure: ReplicationFailure,
    readonly plan: CheckPlan,
    private readonly reads: DiagnosisReads,
    memo?: Map<string, Promise<unknown>>,
  ) {
    this.memo = memo ?? new Map();
  }

  /**
   * The same reads under another plan (a status-gated failure that turned out FAILED): nothing is read
   * twice. Derived facts depend on the plan, so they are not carried over.
   */
  withPlan(plan: CheckPlan): DiagnosisContext {
    const reads = new Map([...this.memo].filter(([key]) => !key.startsWith(DERIVED)));
    return new DiagnosisContext(this.failure, plan, this.reads, reads);
  }

  /** Runs `produce` once per key; a rejection is kept (the diagnosis fails as a whole) but never left unhandled. */
  once<T>(key: string, produce: () => Promise<T>): Promise<T> {
    const known = this.memo.get(key);
    if (known) return known as Promise<T>;
    let promise: Promise<T>;
    try {
      promise = produce();
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.catch(() => undefined);
    this.memo.set(key, promise);
    return promise;
  }

  /** A fact computed from reads, once per diagnosis and plan. */
  derive<T>(name: string, produce: () => Promise<T>): Promise<T> {
    return this.once(`${DERIVED}${name}`, produce);
  }

  get sourceBucket(): string {
    return this.failure.sourceBucket;
  }

  get destinationBucket(): string {
    return this.failure.destinationBucket;
  }

  replication(): Promise<Read<ReplicationConfiguration | null>> {
    return this.once('s3:replication', () => this.reads.getBucketReplication(this.sourceBucket));
  }

  sourceVersioning(): Promise<Read<'Enabled' | 'Suspended' | null>> {
    return this.once('s3:versioning:source', () =>
      this.reads.getBucketVersioning(this.sourceBucket, 'source'),
    );
  }

  sourcePolicy(): Promise<Read<PolicyDocument | null>> {
    return this.once('s3:policy:source', () => this.reads.getBucketPolicy(this.sourceBucket, 'source'));
  }

  sourceObjectLock(): Promise<Read<ObjectLockConfiguration | null>> {
    return this.once('s3:object-lock:source', () =>
      this.reads.getObjectLockConfiguration(this.sourceBucket, 'source'),
    );
  }

  sourceOwnership(): Promise<Read<BucketOwnershipControls | null>> {
    return this.once('s3:ownership:source', () =>
      this.reads.getBucketOwnershipControls(this.sourceBucket, 'source'),
    );
  }

  destinationVersioning(): Promise<Read<'Enabled' | 'Suspended' | null>> {
    return this.once('s3:versioning:destination', () =>
      this.reads.getBucketVersioning(this.destinationBucket, 'destination'),
    );
  }

  destinationRegion(): Promise<Read<string>> {
    return this.once('s3:region:destination', () =>
      this.reads.getBucketRegion(this.destinationBucket, 'destination'),
    );
  }

  destinationPolicy(): Promise<Read<PolicyDocument | null>> {
    return this.once('s3:policy:destination', () =>
      this.reads.getBucketPolicy(this.destinationBucket, 'destination'),
    );
  }

  destinationOwnership(): Promise<Read<BucketOwnershipControls | null>> {
    return this.once('s3:ownership:destination', () =>
      this.reads.getBucketOwnershipControls(this.destinationBucket, 'destination'),
    );
  }

  destinationObjectLock(): Promise<Read<ObjectLockConfiguration | null>> {
    return this.once('s3:object-lock:destination', () =>
      this.reads.getObjectLockConfiguration(this.destinationBucket, 'destination'),
    );
  }

  destinationEncryption(): Promise<Read<BucketEncryption | null>> {
    return this.once('s3:encryption:destination', () =>
      this.reads.getBucketEncryption(this.destinationBucket, 'destination'),
    );
  }

  destinationRequestPayment(): Promise<Read<'Requester' | 'BucketOwner'>> {
    return this.once('s3:request-payment:destination', () =>
      this.reads.getBucketRequestPayment(this.destinationBucket, 'destination'),
    );
  }

  head(): Promise<Read<ObjectHead>> {
    const { key, versionId } = this.failure;
    return this.once('s3:head', () => this.reads.headObject(this.sourceBucket, key, versionId));
  }

  tagging(): Promise<Read<{ Key: string; Value: string }[]>> {
    const { key, versionId } = this.failure;
    return this.once('s3:tagging', () => this.reads.getObjectTagging(this.sourceBucket, key, versionId));
  }

  acl(): Promise<Read<ObjectAcl>> {
    const { key, versionId } = this.failure;
    return this.once('s3:acl', () => this.reads.getObjectAcl(this.sourceBucket, key, versionId));
  }

  /** `undefined` when the reads implementation does not offer GetBucketAcl. */
  sourceBucketAcl(): Promise<Read<ObjectAcl> | undefined> {
    const read = this.reads.getBucketAcl?.bind(this.reads);
    return this.once('s3:bucket-acl:source', async () =>
      read ? read(this.sourceBucket, 'source') : undefined,
    );
  }

  callerIdentity(): Promise<Read<CallerIdentity>> {
    return this.once('sts:caller', () => this.reads.getCallerIdentity());
  }

  organization(): Promise<Read<{ Id: string; MasterAccountId?: string }>> {
    return this.once('organizations:describe', () => this.reads.describeOrganization());
  }

  role(roleName: string): Promise<Read<Role>> {
    return this.once(`iam:role:${roleName}`, () => this.reads.getRole(roleName));
  }

  inlinePolicies(roleName: string): Promise<Read<NamedPolicy[]>> {
    return this.once(`iam:inline:${roleName}`, () => this.reads.getRoleInlinePolicies(roleName));
  }

  attachedPolicies(roleName: string): Promise<Read<NamedPolicy[]>> {
    return this.once(`iam:attached:${roleName}`, () => this.reads.getRoleAttachedPolicies(roleName));
  }

  managedPolicy(policyArn: string): Promise<Read<NamedPolicy>> {
    return this.once(`iam:managed:${policyArn}`, () => this.reads.getManagedPolicy(policyArn));
  }

  describeKey(keyId: string, region?: string): Promise<Read<KeyMetadata>> {
    return this.once(`kms:describe:${keyId}:${region ?? ''}`, () => this.reads.describeKey(keyId, region));
  }

  keyPolicy(keyArn: string): Promise<Read<PolicyDocument>> {
    return this.once(`kms:policy:${keyArn}`, () => this.reads.getKeyPolicy(keyArn));
  }

  grants(keyArn: string): Promise<Read<KmsGrant[]>> {
    return this.once(`kms:grants:${keyArn}`, () => this.reads.listGrants(keyArn));
  }
}
