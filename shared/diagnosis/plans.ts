/**
 * Which checks a failure needs, decided by its event name and failure reason alone (no reads), so a batch
 * can group failures by plan before reading anything. Only the actions the failure reason implicates are
 * checked: `DstDelObjNotPermitted` is about `s3:ReplicateDelete`, not about every permission of the rule.
 */
import { isKnownFailureReason, type KnownFailureReason } from '../events/failure-reasons.js';
import type { ReplicationEventName } from '../events/types.js';
import { CHECK_NAMES, type CheckName } from './check-names.js';
import type { Location } from './types.js';

export type S3Action =
  | 's3:GetReplicationConfiguration'
  | 's3:ListBucket'
  | 's3:GetObjectVersionForReplication'
  | 's3:GetObjectVersionAcl'
  | 's3:GetObjectVersionTagging'
  | 's3:GetObjectRetention'
  | 's3:GetObjectLegalHold'
  | 's3:ReplicateObject'
  | 's3:ReplicateDelete'
  | 's3:ReplicateTags'
  | 's3:ObjectOwnerOverrideToBucketOwner'
  | 's3:PutObjectRetention'
  | 's3:PutObjectLegalHold';

/**
 * One implicated action: `always` when the failure reason names it, `if-needed` when the rule's features
 * decide (owner override needs `s3:ObjectOwnerOverrideToBucketOwner` only when it is configured).
 * `denyOnly`: reported only when a policy explicitly denies it (`s3:ReplicateTags` is covered by
 * `s3:ReplicateObject`, so its mere absence is no cause).
 */
export interface ActionFocus {
  action: S3Action;
  when: 'always' | 'if-needed';
  denyOnly?: boolean;
}

export type PlanKind =
  /** Run the checks. */
  | 'checks'
  /** Nothing to check: the event itself says nothing is wrong. */
  | 'benign'
  /** Benign unless `HeadObject` says the replication FAILED; then every check runs. */
  | 'status-gated'
  /** A Batch Replication job setting the live configuration cannot show. */
  | 'batch-only';

export interface CheckPlan {
  eventName: ReplicationEventName;
  failureReason?: string;
  kind: PlanKind;
  /** `rule`: one diagnosis answers every failure of the group; `object`: each object is read. */
  scope: 'rule' | 'object';
  /** In the order they are reported; the base checks first. */
  checks: readonly CheckName[];
  /** The permissions to evaluate: every one the rule needs, or only those the failure reason implicates. */
  actions: 'all' | readonly ActionFocus[];
  /** `state`: existence, state, region; `access`: also key policy and grants. */
  keyChecks: 'state' | 'access';
  /** Compare the object's owner with the bucket owner (the codes S3 gives for objects it may not read). */
  ownerCheck: boolean;
  /** Where the fix most likely goes, most likely first; causes are ordered by it. */
  primary: readonly Location[];
}

const BASE: readonly CheckName[] = ['replication-configuration', 'source-versioning'];

const ALL_CHECKS: readonly CheckName[] = CHECK_NAMES;

type PlanSpec = Omit<CheckPlan, 'eventName' | 'failureReason'>;

const always = (action: S3Action): ActionFocus => ({ action, when: 'always' });
const ifNeeded = (action: S3Action): ActionFocus => ({ action, when: 'if-needed' });

const DESTINATION_WRITE: readonly Location[] = [
  'destination-bucket-policy',
  'replication-role-policy',
  'replication-role-permissions-boundary',
];
const SOURCE_READ: readonly Location[] = [
  'replication-role-policy',
  'replication-role-permissions-boundary',
  'source-bucket-policy',
];

function spec(partial: Partial<PlanSpec> & Pick<PlanSpec, 'checks'>): PlanSpec {
  return {
    kind: 'checks',
    scope: 'rule',
    actions: [],
    keyChecks: 'state',
    ownerCheck: false,
    primary: [],
    ...partial,
    checks: [...BASE, ...partial.checks],
  };
}

const destinationWrite = (actions: readonly ActionFocus[]): PlanSpec =>
  spec({
    checks: ['replication-role-policy', 'destination-bucket-policy', 'organization'],
    actions,
    primary: DESTINATION_WRITE,
  });

const sourceRead = (actions: readonly ActionFocus[]): PlanSpec =>
  spec({
    checks: ['replication-role-policy', 'source-bucket-policy', 'organization'],
    actions,
    primary: SOURCE_READ,
  });

const objectGone: PlanSpec = spec({ checks: ['object'], scope: 'object', primary: ['object'] });

const batchOnly: PlanSpec = spec({
  checks: [],
  kind: 'batch-only',
  primary: ['source-bucket-configuration'],
});

/** Every check, every permission the rule needs: for unknown codes and for FAILED objects of benign events. */
const EVERYTHING: PlanSpec = {
  kind: 'checks',
  scope: 'object',
  checks: ALL_CHECKS,
  actions: 'all',
  keyChecks: 'access',
  ownerCheck: true,
  primary: [],
};

const STATUS_GATED: PlanSpec = { ...EVERYTHING, kind: 'status-gated', checks: [], actions: [] };
const BENIGN: PlanSpec = { ...EVERYTHING, kind: 'benign', scope: 'rule', checks: [], actions: [] };

const REPLICATE_OBJECT = [always('s3:ReplicateObject')];

/** The object itself could not be read: the role, the source bucket policy, the object's key, the object. */
const SOURCE_OBJECT_READ: PlanSpec = spec({
  checks: ['replication-role-policy', 'source-bucket-policy', 'source-kms-key', 'object', 'organization'],
  scope: 'object',
  actions: [always('s3:GetObjectVersionForReplication')],
  keyChecks: 'access',
  ownerCheck: true,
  primary: [...SOURCE_READ, 'source-kms-key', 'object'],
});

/** Every documented failure reason; a new code in `FAILURE_REASONS` is a compile error until planned here. */
const PLANS: Record<KnownFailureReason, PlanSpec> = {
  AssumeRoleNotPermitted: spec({ checks: ['replication-role'], primary: ['replication-role'] }),
  DstBucketNotFound: spec({ checks: ['destination-bucket'], primary: ['destination-bucket-configuration'] }),
  DstBucketUnversioned: spec({
    checks: ['destination-bucket'],
    primary: ['destination-bucket-configuration'],
  }),
  DstBucketObjectLockConfigMissing: spec({
    checks: ['destination-bucket'],
    primary: ['destination-bucket-configuration'],
  }),
  DstKmsKeyNotFound: spec({
    checks: ['destination-kms-key'],
    scope: 'object',
    primary: ['destination-kms-key'],
  }),
  DstKmsKeyInvalidState: spec({
    checks: ['destination-kms-key'],
    scope: 'object',
    primary: ['destination-kms-key'],
  }),
  DstPutObjectNotPermitted: spec({
    checks: ['replication-role-policy', 'destination-bucket-policy', 'destination-kms-key', 'organization'],
    scope: 'object',
    actions: [always('s3:ReplicateObject'), ifNeeded('s3:ObjectOwnerOverrideToBucketOwner')],
    keyChecks: 'access',
    primary: [...DESTINATION_WRITE, 'destination-kms-key'],
  }),
  DstMultipartInitNotPermitted: destinationWrite(REPLICATE_OBJECT),
  DstMultipartUploadNotPermitted: destinationWrite(REPLICATE_OBJECT),
  DstMultipartPartUploadNotPermitted: destinationWrite(REPLICATE_OBJECT),
  DstMultipartCompleteNotPermitted: destinationWrite(REPLICATE_OBJECT),
  DstPutAclNotPermitted: destinationWrite([
    always('s3:ReplicateObject'),
    ifNeeded('s3:ObjectOwnerOverrideToBucketOwner'),
  ]),
  DstPutTaggingNotPermitted: destinationWrite([
    always('s3:ReplicateObject'),
    { action: 's3:ReplicateTags', when: 'always', denyOnly: true },
  ]),
  DstDelObjNotPermitted: destinationWrite([always('s3:ReplicateDelete')]),
  DstPutLegalHoldNotPermitted: destinationWrite([always('s3:PutObjectLegalHold')]),
  DstPutRetentionNotPermitted: destinationWrite([always('s3:PutObjectRetention')]),
  SrcGetObjectNotPermitted: SOURCE_OBJECT_READ,
  SrcHeadObjectNotPermitted: SOURCE_OBJECT_READ,
  SrcGetAclNotPermitted: spec({
    checks: ['replication-role-policy', 'source-bucket-policy', 'object', 'organization'],
    scope: 'object',
    actions: [always('s3:GetObjectVersionAcl')],
    ownerCheck: true,
    primary: [...SOURCE_READ, 'object'],
  }),
  SrcGetTaggingNotPermitted: sourceRead([always('s3:GetObjectVersionTagging')]),
  SrcGetRetentionNotPermitted: sourceRead([always('s3:GetObjectRetention')]),
  SrcGetLegalHoldNotPermitted: sourceRead([always('s3:GetObjectLegalHold')]),
  SrcKmsKeyInvalidState: spec({ checks: ['source-kms-key'], scope: 'object', primary: ['source-kms-key'] }),
  SrcBucketNotFound: spec({ checks: [], primary: ['source-bucket-configuration'] }),
  SrcBucketReplicationConfigMissing: spec({ checks: [], primary: ['source-bucket-configuration'] }),
  SrcObjectNotEligible: spec({ checks: ['object'], scope: 'object', primary: ['object'] }),
  SrcKeyNotFound: objectGone,
  SrcObjectNotFound: objectGone,
  SrcVersionNotFound: objectGone,
  DstVersionNotFound: objectGone,
  DstObjectHardDeleted: objectGone,
  SrcReplicationNotPending: STATUS_GATED,
  DstBucketInvalidRegion: batchOnly,
  SrcBucketInvalidRegion: batchOnly,
  InitiateReplicationNotPermitted: batchOnly,
};

export function planFor(failureReason: string | undefined, eventName: ReplicationEventName): CheckPlan {
  const reason = failureReason === undefined ? {} : { failureReason };
  switch (eventName) {
    case 'Replication:OperationReplicatedAfterThreshold':
      return { eventName, ...reason, ...BENIGN };
    case 'Replication:OperationMissedThreshold':
    case 'Replication:OperationNotTracked':
      return { eventName, ...reason, ...STATUS_GATED };
    case 'Replication:OperationFailedReplication': {
      const planned = failureReason !== undefined && isKnownFailureReason(failureReason);
      return { eventName, ...reason, ...(planned ? PLANS[failureReason] : EVERYTHING) };
    }
    default: {
      const unknown: never = eventName;
      throw new TypeError(`unknown replication event name ${String(unknown)}`);
    }
  }
}

/** The plan a status-gated failure escalates to when `HeadObject` says the replication FAILED. */
export function escalatedPlan(plan: CheckPlan): CheckPlan {
  return {
    eventName: plan.eventName,
    ...(plan.failureReason ? { failureReason: plan.failureReason } : {}),
    ...EVERYTHING,
  };
}

/** Permission-type plans end with the organization check: an SCP or RCP is what remains when all else allows. */
export function isPermissionPlan(plan: CheckPlan): boolean {
  return plan.checks.includes('organization');
}
