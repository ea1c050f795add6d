import { describe, expect, it } from 'vitest';
import { planFor } from '../../../shared/diagnosis/plans.js';
import type { ReplicationRule } from '../../../shared/diagnosis/reads.js';
import { requiredActions } from '../../../shared/diagnosis/required-actions.js';
import { seedReplicationConfiguration } from '../../support/seed-setup.js';

const FAILED = 'Replication:OperationFailedReplication';
const ALL = planFor(undefined, FAILED).actions;

function seedRule(edit: (rule: ReplicationRule) => void = () => {}): ReplicationRule {
  const rule = seedReplicationConfiguration().Rules[0] as ReplicationRule;
  edit(rule);
  return rule;
}

const names = (needs: { action: string }[]) => needs.map((need) => need.action);

describe('requiredActions', () => {
  it('asks for the basic replication permissions of the seed rule, delete markers included', () => {
    const needs = requiredActions(ALL, { rule: seedRule(), objectHasTags: false, sourceObjectLock: false });
    expect(names(needs)).toEqual([
      's3:GetReplicationConfiguration',
      's3:ListBucket',
      's3:GetObjectVersionForReplication',
      's3:GetObjectVersionAcl',
      's3:ReplicateObject',
      's3:ReplicateDelete',
    ]);
    expect(needs.map((need) => need.target)).toEqual([
      'source-bucket',
      'source-bucket',
      'source-object',
      'source-object',
      'destination-object',
      'destination-object',
    ]);
  });

  it('does not ask for s3:ReplicateDelete when a V2 rule leaves delete markers off', () => {
    const rule = seedRule((r) => {
      r.DeleteMarkerReplication = { Status: 'Disabled' };
    });
    expect(names(requiredActions(ALL, { rule }))).not.toContain('s3:ReplicateDelete');
  });

  it('asks for s3:ReplicateDelete for any V1 rule, which replicates delete markers by default', () => {
    const rule: ReplicationRule = {
      ID: 'v1',
      Prefix: 'logs/',
      Status: 'Enabled',
      Destination: { Bucket: 'arn:aws:s3:::dst' },
    };
    expect(names(requiredActions(ALL, { rule }))).toContain('s3:ReplicateDelete');
  });

  it('asks for s3:GetObjectVersionTagging only when the object has tags', () => {
    expect(names(requiredActions(ALL, { rule: seedRule(), objectHasTags: true }))).toContain(
      's3:GetObjectVersionTagging',
    );
    expect(names(requiredActions(ALL, { rule: seedRule(), objectHasTags: false }))).not.toContain(
      's3:GetObjectVersionTagging',
    );
  });

  it('never makes s3:ReplicateTags a requirement outside DstPutTaggingNotPermitted, and there only as a deny', () => {
    expect(names(requiredActions(ALL, { rule: seedRule(), objectHasTags: true }))).not.toContain(
      's3:ReplicateTags',
    );
    const tagging = requiredActions(planFor('DstPutTaggingNotPermitted', FAILED).actions, {
      rule: seedRule(),
    });
    expect(tagging.map((n) => [n.action, n.denyOnly])).toEqual([
      ['s3:ReplicateObject', false],
      ['s3:ReplicateTags', true],
    ]);
  });

  it('asks for retention and legal hold reads when the source uses Object Lock', () => {
    const needs = names(requiredActions(ALL, { rule: seedRule(), sourceObjectLock: true }));
    expect(needs).toContain('s3:GetObjectRetention');
    expect(needs).toContain('s3:GetObjectLegalHold');
  });

  it('asks for the owner override permission unless the destination enforces bucket-owner ownership', () => {
    const rule = seedRule((r) => {
      r.Destination.Account = '444455556666';
      r.Destination.AccessControlTranslation = { Owner: 'Destination' };
    });
    const focus = planFor('DstPutObjectNotPermitted', FAILED).actions;
    expect(names(requiredActions(focus, { rule, destinationOwnershipEnforced: false }))).toEqual([
      's3:ReplicateObject',
      's3:ObjectOwnerOverrideToBucketOwner',
    ]);
    expect(names(requiredActions(focus, { rule, destinationOwnershipEnforced: true }))).toEqual([
      's3:ReplicateObject',
    ]);
    expect(names(requiredActions(focus, { rule }))).toContain('s3:ObjectOwnerOverrideToBucketOwner');
  });

  it('leaves out an if-needed action the rule does not use', () => {
    const focus = planFor('DstPutObjectNotPermitted', FAILED).actions;
    expect(names(requiredActions(focus, { rule: seedRule() }))).toEqual(['s3:ReplicateObject']);
  });

  it('asks for what a code names even when the rule’s features would not', () => {
    const rule = seedRule((r) => {
      r.DeleteMarkerReplication = { Status: 'Disabled' };
    });
    const needs = requiredActions(
      planFor('DstDelObjNotPermitted', FAILED).actions,
      { rule },
      'DstDelObjNotPermitted',
    );
    expect(names(needs)).toEqual(['s3:ReplicateDelete']);
    expect(needs[0]?.reason).toContain('DstDelObjNotPermitted');
    expect(names(requiredActions(planFor('DstPutRetentionNotPermitted', FAILED).actions, { rule }))).toEqual([
      's3:PutObjectRetention',
    ]);
    expect(names(requiredActions(planFor('SrcGetLegalHoldNotPermitted', FAILED).actions, { rule }))).toEqual([
      's3:GetObjectLegalHold',
    ]);
  });
});
