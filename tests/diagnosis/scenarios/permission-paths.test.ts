/**
 * The permission paths of the replication role, each shown with a seed-setup snapshot that has one thing
 * changed: where an allow is missing or a deny sits (role policy, boundary, bucket policies), and the setups
 * that look wrong but are right (a managed policy instead of the inline one, ownership enforced).
 */
import { describe, expect, it } from 'vitest';
import type { PolicyDocument } from '../../../shared/policy/types.js';
import { causeShapes, diagnoseSeed } from '../../support/run-diagnosis.js';
import {
  DESTINATION_BUCKET_ARN,
  ROLE_ARN,
  ROLE_NAME,
  ROLE_POLICY_NAME,
  SOURCE_BUCKET_ARN,
  seedCrossAccountStatement,
  seedRolePolicy,
} from '../../support/seed-setup.js';
import { seedSnapshot } from '../../support/snapshot-builder.js';

const DESTINATION_OBJECTS = `${DESTINATION_BUCKET_ARN}/*`;
const SOURCE_OBJECTS = `${SOURCE_BUCKET_ARN}/*`;
const PUT_OBJECT = { failureReason: 'DstPutObjectNotPermitted' };
const GET_OBJECT = { failureReason: 'SrcGetObjectNotPermitted' };

const denyStatement = (sid: string, action: string | string[], resource: string): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Sid: sid, Effect: 'Deny', Action: action, Resource: resource }],
});

const policyWithout = (...actions: string[]): PolicyDocument => {
  const statement = seedCrossAccountStatement();
  const granted = Array.isArray(statement.Action) ? statement.Action : [];
  return {
    Version: '2012-10-17',
    Statement: [{ ...statement, Action: granted.filter((action) => !actions.includes(action)) }],
  };
};

describe('the replication role policy', () => {
  it('finds no cause in the healthy seed setup', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot(), PUT_OBJECT);

    expect(diagnosis.verdict).toBe('no-cause-found');
    expect(diagnosis.action).toBe('retrigger');
    expect(diagnosis.causes).toEqual([]);
  });

  it('reports s3:ReplicateObject on bucket/* when the statement names the bucket ARN instead', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().roleStatement('DestinationBucketWriteAccess', (statement) => {
        statement.Resource = DESTINATION_BUCKET_ARN;
      }),
      PUT_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'replication-role-policy',
        problem: 'action-not-allowed',
        missingActions: ['s3:ReplicateObject'],
      },
    ]);
    const [cause] = diagnosis.causes;
    expect(cause?.principal).toBe(ROLE_ARN);
    expect(cause?.resource).toBe(DESTINATION_OBJECTS);
    expect(JSON.stringify(cause?.fix.policyStatement?.Resource)).toContain(DESTINATION_OBJECTS);
    expect(cause?.fix.commands.join('\n')).toContain(ROLE_NAME);
  });

  it('checks the source bucket actions on the bucket ARN when the failure reason is unknown', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().roleStatement('SourceBucketReadAccess', (statement) => {
        statement.Resource = SOURCE_OBJECTS;
      }),
      { failureReason: 'SrcSomethingNewNotPermitted' },
    );

    const cause = diagnosis.causes.find((candidate) => candidate.location === 'replication-role-policy');
    expect(cause?.missingActions).toEqual(['s3:GetReplicationConfiguration', 's3:ListBucket']);
    expect(cause?.resource).toBe(SOURCE_BUCKET_ARN);
  });

  it('reports an explicit deny in a second inline policy, naming the policy and statement', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().addInlinePolicy(
        'FreezeReplicationDuringMigration',
        denyStatement('FreezeDestinationWrites', 's3:ReplicateObject', DESTINATION_OBJECTS),
      ),
      PUT_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'replication-role-policy',
        problem: 'explicit-deny',
        missingActions: ['s3:ReplicateObject'],
      },
    ]);
    const cause = JSON.stringify(diagnosis.causes[0]);
    expect(cause).toContain('FreezeReplicationDuringMigration');
    expect(cause).toContain('FreezeDestinationWrites');
  });

  it('accepts the permissions from an attached managed policy instead of the inline one', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .removeInlinePolicy(ROLE_POLICY_NAME)
        .attachManagedPolicy('S3ReplicationManaged', seedRolePolicy()),
      PUT_OBJECT,
    );

    expect(diagnosis.verdict).toBe('no-cause-found');
    expect(diagnosis.causes).toEqual([]);
  });

  it('reports the role policy when the role has neither the inline nor a managed policy', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().removeInlinePolicy(ROLE_POLICY_NAME), PUT_OBJECT);

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'replication-role-policy',
        problem: 'action-not-allowed',
        missingActions: ['s3:ReplicateObject'],
      },
    ]);
  });

  it('checks only the actions the failure reason implicates', async () => {
    // The role lacks s3:ReplicateDelete too, but a put failure is not about deletes.
    const diagnosis = await diagnoseSeed(
      seedSnapshot().withoutRoleActions('s3:ReplicateObject', 's3:ReplicateDelete'),
      PUT_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'replication-role-policy',
        problem: 'action-not-allowed',
        missingActions: ['s3:ReplicateObject'],
      },
    ]);
  });

  it('does not report a missing s3:ReplicateTags, which s3:ReplicateObject covers', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .withoutRoleActions('s3:ReplicateTags')
        .objectTags([{ Key: 'classification', Value: 'internal' }]),
      { failureReason: 'DstPutTaggingNotPermitted' },
    );

    expect(diagnosis.causes).toEqual([]);
  });
});

describe('the permissions boundary', () => {
  const readOnlyBoundary: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'ReadOnly', Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }],
  };

  it('reports the boundary when it does not allow an action the role policy grants', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().permissionsBoundary('StorageReadOnlyBoundary', readOnlyBoundary),
      PUT_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'replication-role-permissions-boundary',
        problem: 'action-not-allowed',
        missingActions: ['s3:ReplicateObject'],
      },
    ]);
    expect(JSON.stringify(diagnosis.causes[0])).toContain('StorageReadOnlyBoundary');
  });

  it('reports an explicit deny in the boundary', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().permissionsBoundary('NoCrossRegionWrites', {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'AllowEverything', Effect: 'Allow', Action: '*', Resource: '*' },
          { Sid: 'DenyReplicationWrites', Effect: 'Deny', Action: 's3:Replicate*', Resource: '*' },
        ],
      }),
      PUT_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'replication-role-permissions-boundary',
        problem: 'explicit-deny',
        missingActions: ['s3:ReplicateObject'],
      },
    ]);
    expect(JSON.stringify(diagnosis.causes[0])).toContain('DenyReplicationWrites');
  });

  it('finds no cause when the boundary allows what the role policy grants', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().permissionsBoundary('StorageBoundary', {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['s3:*', 'kms:*'], Resource: '*' }],
      }),
      PUT_OBJECT,
    );

    expect(diagnosis.verdict).toBe('no-cause-found');
  });
});

describe('bucket policies', () => {
  it('reports an explicit deny in the source bucket policy', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().addBucketPolicyStatement('source', {
        Sid: 'DenyReplicationReads',
        Effect: 'Deny',
        Principal: { AWS: ROLE_ARN },
        Action: 's3:GetObjectVersionForReplication',
        Resource: SOURCE_OBJECTS,
      }),
      GET_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'source-bucket-policy',
        problem: 'explicit-deny',
        missingActions: ['s3:GetObjectVersionForReplication'],
      },
    ]);
    expect(diagnosis.causes[0]?.resource).toBe(SOURCE_OBJECTS);
    expect(JSON.stringify(diagnosis.causes[0])).toContain('DenyReplicationReads');
  });

  it('reports an explicit deny in a same-account destination bucket policy', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().addBucketPolicyStatement('destination', {
        Sid: 'DenyAllWritesDuringAudit',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:PutObject', 's3:ReplicateObject'],
        Resource: DESTINATION_OBJECTS,
      }),
      PUT_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'destination-bucket-policy',
        problem: 'explicit-deny',
        missingActions: ['s3:ReplicateObject'],
      },
    ]);
    expect(JSON.stringify(diagnosis.causes[0])).toContain('DenyAllWritesDuringAudit');
  });

  it('needs no destination bucket policy when both buckets are in the same account', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().bucketPolicy('destination', null), PUT_OBJECT);

    expect(diagnosis.causes).toEqual([]);
  });

  it('reports a cross-account destination policy without s3:ReplicateObject, with the statement to add', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().crossAccount({ bucketPolicy: 'none' }), PUT_OBJECT);

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'destination-bucket-policy',
        problem: 'action-not-allowed',
        missingActions: ['s3:ReplicateObject'],
      },
    ]);
    const statement = diagnosis.causes[0]?.fix.policyStatement;
    expect(statement?.Effect).toBe('Allow');
    expect(JSON.stringify(statement?.Principal)).toContain(ROLE_ARN);
    expect(JSON.stringify(statement?.Action)).toContain('s3:ReplicateObject');
    expect(JSON.stringify(statement?.Resource)).toContain(DESTINATION_OBJECTS);
  });

  it('accepts a cross-account destination policy that grants the source account root', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().crossAccount({
        bucketPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AllowSourceAccount',
              Effect: 'Allow',
              Principal: { AWS: '123456789012' },
              Action: 's3:Replicate*',
              Resource: DESTINATION_OBJECTS,
            },
          ],
        },
      }),
      PUT_OBJECT,
    );

    expect(diagnosis.causes).toEqual([]);
  });

  it('reports both the role policy and the destination bucket policy when both lack s3:ReplicateObject', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().crossAccount({ bucketPolicy: 'none' }).withoutRoleActions('s3:ReplicateObject'),
      PUT_OBJECT,
    );

    expect(causeShapes(diagnosis)).toHaveLength(2);
    expect(causeShapes(diagnosis)).toEqual(
      expect.arrayContaining([
        {
          location: 'destination-bucket-policy',
          problem: 'action-not-allowed',
          missingActions: ['s3:ReplicateObject'],
        },
        {
          location: 'replication-role-policy',
          problem: 'action-not-allowed',
          missingActions: ['s3:ReplicateObject'],
        },
      ]),
    );
  });

  it('reports s3:ReplicateDelete missing from a cross-account destination policy for a delete marker', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .crossAccount({ bucketPolicy: policyWithout('s3:ReplicateDelete') })
        .objectIsDeleteMarker(),
      { failureReason: 'DstDelObjNotPermitted' },
    );

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'destination-bucket-policy',
        problem: 'action-not-allowed',
        missingActions: ['s3:ReplicateDelete'],
      },
    ]);
  });
});

describe('owner override', () => {
  it('reports s3:ObjectOwnerOverrideToBucketOwner missing from the cross-account destination policy', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .crossAccount({ bucketPolicy: policyWithout('s3:ObjectOwnerOverrideToBucketOwner') })
        .ownerOverride()
        .ownership('destination', 'BucketOwnerPreferred'),
      PUT_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'destination-bucket-policy',
        problem: 'action-not-allowed',
        missingActions: ['s3:ObjectOwnerOverrideToBucketOwner'],
      },
    ]);
  });

  it('reports s3:ObjectOwnerOverrideToBucketOwner missing from the role policy', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .crossAccount()
        .ownerOverride()
        .withoutRoleActions('s3:ObjectOwnerOverrideToBucketOwner')
        .ownership('destination', 'BucketOwnerPreferred'),
      PUT_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'replication-role-policy',
        problem: 'action-not-allowed',
        missingActions: ['s3:ObjectOwnerOverrideToBucketOwner'],
      },
    ]);
  });

  it('does not need the override permission when the destination enforces bucket ownership', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .crossAccount({ bucketPolicy: policyWithout('s3:ObjectOwnerOverrideToBucketOwner') })
        .ownerOverride()
        .withoutRoleActions('s3:ObjectOwnerOverrideToBucketOwner')
        .ownership('destination', 'BucketOwnerEnforced'),
      PUT_OBJECT,
    );

    expect(diagnosis.causes).toEqual([]);
  });
});

describe('the role and its trust policy', () => {
  it('reports a trust policy that does not let s3.amazonaws.com assume the role', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().trustPolicy({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
      { failureReason: 'AssumeRoleNotPermitted' },
    );

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'replication-role', problem: 'trust-policy-does-not-allow-s3', missingActions: [] },
    ]);
    const fix = JSON.stringify(diagnosis.causes[0]?.fix);
    expect(fix).toContain('update-assume-role-policy');
    expect(fix).toContain('s3.amazonaws.com');
  });

  it('accepts a trust policy shared with Batch Operations', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().trustPolicy({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: ['s3.amazonaws.com', 'batchoperations.s3.amazonaws.com'] },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
      { failureReason: 'AssumeRoleNotPermitted' },
    );

    expect(diagnosis.causes).toEqual([]);
  });

  it('reports a trust policy whose only statement for S3 is a deny', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().trustPolicy({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' },
          { Effect: 'Deny', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
      { failureReason: 'AssumeRoleNotPermitted' },
    );

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'replication-role', problem: 'trust-policy-does-not-allow-s3', missingActions: [] },
    ]);
  });

  it('reports a role that does not exist', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().roleMissing(), {
      failureReason: 'AssumeRoleNotPermitted',
    });

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'replication-role', problem: 'role-not-found', missingActions: [] },
    ]);
    expect(JSON.stringify(diagnosis.causes[0])).toContain(ROLE_NAME);
  });
});
