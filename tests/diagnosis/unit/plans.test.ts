import { describe, expect, it } from 'vitest';
import { CHECK_NAMES } from '../../../shared/diagnosis/check-names.js';
import { planFor } from '../../../shared/diagnosis/plans.js';
import { FAILURE_REASONS } from '../../../shared/events/failure-reasons.js';
import { REPLICATION_EVENT_NAMES } from '../../../shared/events/types.js';

const FAILED = 'Replication:OperationFailedReplication';
const BASE = ['replication-configuration', 'source-versioning'];

describe('planFor', () => {
  it('plans every documented failure reason with the base checks first, never the catch-all plan', () => {
    const everything = planFor('NotARealCode', FAILED);
    for (const code of Object.keys(FAILURE_REASONS)) {
      const plan = planFor(code, FAILED);
      expect(plan.failureReason, code).toBe(code);
      expect(plan.actions === 'all' && plan.checks.length === everything.checks.length, code).toBe(false);
      if (plan.kind === 'checks' || plan.kind === 'batch-only')
        expect(plan.checks.slice(0, 2), code).toEqual(BASE);
    }
  });

  it.each([
    ['AssumeRoleNotPermitted', ['replication-role'], 'rule'],
    ['DstBucketNotFound', ['destination-bucket'], 'rule'],
    ['DstBucketUnversioned', ['destination-bucket'], 'rule'],
    ['DstBucketObjectLockConfigMissing', ['destination-bucket'], 'rule'],
    ['DstKmsKeyNotFound', ['destination-kms-key'], 'object'],
    ['DstKmsKeyInvalidState', ['destination-kms-key'], 'object'],
    [
      'DstPutObjectNotPermitted',
      ['replication-role-policy', 'destination-bucket-policy', 'destination-kms-key', 'organization'],
      'object',
    ],
    [
      'DstMultipartInitNotPermitted',
      ['replication-role-policy', 'destination-bucket-policy', 'organization'],
      'rule',
    ],
    [
      'DstMultipartUploadNotPermitted',
      ['replication-role-policy', 'destination-bucket-policy', 'organization'],
      'rule',
    ],
    [
      'DstMultipartPartUploadNotPermitted',
      ['replication-role-policy', 'destination-bucket-policy', 'organization'],
      'rule',
    ],
    [
      'DstMultipartCompleteNotPermitted',
      ['replication-role-policy', 'destination-bucket-policy', 'organization'],
      'rule',
    ],
    [
      'DstPutAclNotPermitted',
      ['replication-role-policy', 'destination-bucket-policy', 'organization'],
      'rule',
    ],
    [
      'DstPutTaggingNotPermitted',
      ['replication-role-policy', 'destination-bucket-policy', 'organization'],
      'rule',
    ],
    [
      'DstDelObjNotPermitted',
      ['replication-role-policy', 'destination-bucket-policy', 'organization'],
      'rule',
    ],
    [
      'DstPutLegalHoldNotPermitted',
      ['replication-role-policy', 'destination-bucket-policy', 'organization'],
      'rule',
    ],
    [
      'DstPutRetentionNotPermitted',
      ['replication-role-policy', 'destination-bucket-policy', 'organization'],
      'rule',
    ],
    [
      'SrcGetObjectNotPermitted',
      ['replication-role-policy', 'source-bucket-policy', 'source-kms-key', 'object', 'organization'],
      'object',
    ],
    [
      'SrcHeadObjectNotPermitted',
      ['replication-role-policy', 'source-bucket-policy', 'source-kms-key', 'object', 'organization'],
      'object',
    ],
    [
      'SrcGetAclNotPermitted',
      ['replication-role-policy', 'source-bucket-policy', 'object', 'organization'],
      'object',
    ],
    [
      'SrcGetTaggingNotPermitted',
      ['replication-role-policy', 'source-bucket-policy', 'organization'],
      'rule',
    ],
    [
      'SrcGetRetentionNotPermitted',
      ['replication-role-policy', 'source-bucket-policy', 'organization'],
      'rule',
    ],
    [
      'SrcGetLegalHoldNotPermitted',
      ['replication-role-policy', 'source-bucket-policy', 'organization'],
      'rule',
    ],
    ['SrcKmsKeyInvalidState', ['source-kms-key'], 'object'],
    ['SrcBucketNotFound', [], 'rule'],
    ['SrcBucketReplicationConfigMissing', [], 'rule'],
    ['SrcObjectNotEligible', ['object'], 'object'],
    ['SrcKeyNotFound', ['object'], 'object'],
    ['SrcObjectNotFound', ['object'], 'object'],
    ['SrcVersionNotFound', ['object'], 'object'],
    ['DstVersionNotFound', ['object'], 'object'],
    ['DstObjectHardDeleted', ['object'], 'object'],
  ])('plans %s as the base checks plus %j, %s-scoped', (code, checks, scope) => {
    const plan = planFor(code, FAILED);
    expect(plan.kind).toBe('checks');
    expect(plan.checks).toEqual([...BASE, ...checks]);
    expect(plan.scope).toBe(scope);
  });

  it('checks only the actions each permission code implicates', () => {
    const actionsOf = (code: string) => {
      const { actions } = planFor(code, FAILED);
      return actions === 'all'
        ? 'all'
        : actions.map((a) => `${a.action}:${a.when}${a.denyOnly ? ':deny-only' : ''}`);
    };
    expect(actionsOf('DstPutObjectNotPermitted')).toEqual([
      's3:ReplicateObject:always',
      's3:ObjectOwnerOverrideToBucketOwner:if-needed',
    ]);
    expect(actionsOf('DstPutTaggingNotPermitted')).toEqual([
      's3:ReplicateObject:always',
      's3:ReplicateTags:always:deny-only',
    ]);
    expect(actionsOf('DstDelObjNotPermitted')).toEqual(['s3:ReplicateDelete:always']);
    expect(actionsOf('DstPutLegalHoldNotPermitted')).toEqual(['s3:PutObjectLegalHold:always']);
    expect(actionsOf('DstPutRetentionNotPermitted')).toEqual(['s3:PutObjectRetention:always']);
    expect(actionsOf('SrcGetObjectNotPermitted')).toEqual(['s3:GetObjectVersionForReplication:always']);
    expect(actionsOf('SrcGetAclNotPermitted')).toEqual(['s3:GetObjectVersionAcl:always']);
    expect(actionsOf('SrcGetTaggingNotPermitted')).toEqual(['s3:GetObjectVersionTagging:always']);
    expect(actionsOf('SrcGetRetentionNotPermitted')).toEqual(['s3:GetObjectRetention:always']);
    expect(actionsOf('SrcGetLegalHoldNotPermitted')).toEqual(['s3:GetObjectLegalHold:always']);
  });

  it('evaluates key policies only where a key permission is implicated', () => {
    expect(planFor('DstPutObjectNotPermitted', FAILED).keyChecks).toBe('access');
    expect(planFor('SrcGetObjectNotPermitted', FAILED).keyChecks).toBe('access');
    expect(planFor('DstKmsKeyInvalidState', FAILED).keyChecks).toBe('state');
    expect(planFor('SrcKmsKeyInvalidState', FAILED).keyChecks).toBe('state');
  });

  it('plans both spellings of the multipart upload code alike', () => {
    const current = planFor('DstMultipartUploadNotPermitted', FAILED);
    const older = planFor('DstMultipartPartUploadNotPermitted', FAILED);
    expect({ ...older, failureReason: undefined }).toEqual({ ...current, failureReason: undefined });
  });

  it('runs every check, object-scoped, for an unknown or missing failure reason', () => {
    for (const reason of ['DstSomethingNewNotPermitted', undefined]) {
      const plan = planFor(reason, FAILED);
      expect(plan.kind).toBe('checks');
      expect(plan.checks).toEqual([...CHECK_NAMES]);
      expect(plan.scope).toBe('object');
      expect(plan.actions).toBe('all');
      expect(plan.ownerCheck).toBe(true);
    }
  });

  it('treats the Batch-only codes as job settings with only the base checks', () => {
    for (const code of [
      'DstBucketInvalidRegion',
      'SrcBucketInvalidRegion',
      'InitiateReplicationNotPermitted',
    ]) {
      const plan = planFor(code, FAILED);
      expect(plan.kind, code).toBe('batch-only');
      expect(plan.checks, code).toEqual(BASE);
    }
  });

  it('gates SrcReplicationNotPending and the threshold events on the object status', () => {
    expect(planFor('SrcReplicationNotPending', FAILED)).toMatchObject({
      kind: 'status-gated',
      scope: 'object',
    });
    expect(planFor(undefined, 'Replication:OperationMissedThreshold')).toMatchObject({
      kind: 'status-gated',
    });
    expect(planFor(undefined, 'Replication:OperationNotTracked')).toMatchObject({ kind: 'status-gated' });
  });

  it('needs no reads at all for an object that replicated after the threshold', () => {
    const plan = planFor(undefined, 'Replication:OperationReplicatedAfterThreshold');
    expect(plan).toMatchObject({ kind: 'benign', scope: 'rule', checks: [] });
  });

  it('plans by event name first: a failure reason on a threshold event does not change its plan', () => {
    expect(planFor('DstPutObjectNotPermitted', 'Replication:OperationMissedThreshold').kind).toBe(
      'status-gated',
    );
  });

  it('plans every event name', () => {
    for (const name of REPLICATION_EVENT_NAMES) expect(() => planFor(undefined, name)).not.toThrow();
  });

  it('puts the failure reason’s own location first in the order of causes', () => {
    expect(planFor('AssumeRoleNotPermitted', FAILED).primary[0]).toBe('replication-role');
    expect(planFor('DstPutObjectNotPermitted', FAILED).primary[0]).toBe('destination-bucket-policy');
    expect(planFor('SrcGetObjectNotPermitted', FAILED).primary[0]).toBe('replication-role-policy');
    expect(planFor('DstKmsKeyNotFound', FAILED).primary[0]).toBe('destination-kms-key');
  });
});
