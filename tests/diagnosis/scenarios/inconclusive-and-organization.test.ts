/**
 * What the diagnosis says when it cannot read something (never a cause; the check is named), when every
 * readable policy allows and only an SCP or RCP is left, and when the failure reason is one it does not know.
 */
import { describe, expect, it } from 'vitest';
import { CHECK_NAMES } from '../../../shared/diagnosis/check-names.js';
import { failureFrom } from '../../support/event-failure.js';
import {
  causeShapes,
  diagnoseFailure,
  diagnoseSeed,
  inconclusiveChecks,
} from '../../support/run-diagnosis.js';
import { seedEvent } from '../../support/seed-event.js';
import {
  DESTINATION_BUCKET,
  ROLE_ARN,
  ROLE_NAME,
  ROLE_POLICY_NAME,
  SOURCE_BUCKET,
} from '../../support/seed-setup.js';
import { type SnapshotBuilder, seedSnapshot } from '../../support/snapshot-builder.js';

const PUT_OBJECT = { failureReason: 'DstPutObjectNotPermitted' };
const GET_OBJECT = { failureReason: 'SrcGetObjectNotPermitted' };

describe('reads the diagnoser may not make', () => {
  it.each<[string, (builder: SnapshotBuilder) => SnapshotBuilder]>([
    ['denied', (builder) => builder.denyRead('IAM', 'GetRolePolicy', { PolicyName: ROLE_POLICY_NAME })],
    ['not recorded', (builder) => builder.omitRead('IAM', 'GetRolePolicy', { PolicyName: ROLE_POLICY_NAME })],
  ])('makes the role policy check inconclusive when GetRolePolicy is %s', async (_how, deny) => {
    const diagnosis = await diagnoseSeed(deny(seedSnapshot()), PUT_OBJECT);

    expect(diagnosis.verdict).toBe('inconclusive');
    expect(diagnosis.action).toBe('notify');
    expect(diagnosis.causes).toEqual([]);
    expect(inconclusiveChecks(diagnosis)).toContain('replication-role-policy');
  });

  it('never turns a denied role read into a "role not found" cause', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().denyRead('IAM', 'GetRole', { RoleName: ROLE_NAME }), {
      failureReason: 'AssumeRoleNotPermitted',
    });

    expect(diagnosis.causes).toEqual([]);
    expect(inconclusiveChecks(diagnosis)).toEqual(['replication-role']);
  });

  it('names what a cross-account destination policy must contain when it cannot be read', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().crossAccount().denyRead('S3', 'GetBucketPolicy', { Bucket: DESTINATION_BUCKET }),
      PUT_OBJECT,
    );

    expect(diagnosis.verdict).toBe('inconclusive');
    const entry = diagnosis.inconclusive.find((candidate) => candidate.check === 'destination-bucket-policy');
    expect(entry?.why).toContain('GetBucketPolicy');
    expect(JSON.stringify(entry)).toContain('s3:ReplicateObject');
    expect(JSON.stringify(entry)).toContain(ROLE_ARN);
  });

  it('still reports the causes it could establish beside a check it could not run', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .crossAccount()
        .withoutRoleActions('s3:ReplicateObject')
        .omitRead('S3', 'GetBucketPolicy', { Bucket: DESTINATION_BUCKET }),
      PUT_OBJECT,
    );

    expect(diagnosis.verdict).toBe('root-cause-found');
    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'replication-role-policy',
        problem: 'action-not-allowed',
        missingActions: ['s3:ReplicateObject'],
      },
    ]);
    expect(inconclusiveChecks(diagnosis)).toContain('destination-bucket-policy');
  });

  it('makes the replica key check inconclusive when its key policy cannot be read', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().crossAccount().sseKms().denyRead('KMS', 'GetKeyPolicy'),
      PUT_OBJECT,
    );

    expect(diagnosis.causes).toEqual([]);
    expect(inconclusiveChecks(diagnosis)).toContain('destination-kms-key');
  });

  it('makes the object check inconclusive when HeadObject is denied, and does not call the object gone', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().denyRead('S3', 'HeadObject'), GET_OBJECT);

    expect(diagnosis.causes).toEqual([]);
    expect(inconclusiveChecks(diagnosis)).toContain('object');
  });

  it('makes the source bucket policy check inconclusive when it cannot be read', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().denyRead('S3', 'GetBucketPolicy', { Bucket: SOURCE_BUCKET }),
      GET_OBJECT,
    );

    expect(diagnosis.causes).toEqual([]);
    expect(inconclusiveChecks(diagnosis)).toContain('source-bucket-policy');
  });

  it('makes the destination bucket check inconclusive when its versioning cannot be read', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().denyRead('S3', 'GetBucketVersioning', { Bucket: DESTINATION_BUCKET }),
      { failureReason: 'DstBucketUnversioned' },
    );

    expect(diagnosis.verdict).toBe('inconclusive');
    expect(inconclusiveChecks(diagnosis)).toContain('destination-bucket');
  });

  it('names the organization check when DescribeOrganization is denied and everything else passes', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().denyRead('Organizations', 'DescribeOrganization'),
      PUT_OBJECT,
    );

    expect(diagnosis.verdict).toBe('inconclusive');
    expect(inconclusiveChecks(diagnosis)).toEqual(['organization']);
  });
});

describe('organization policies', () => {
  it('suspects an SCP or RCP when every readable policy allows a permission failure in an organization', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().inOrganization(), PUT_OBJECT);

    expect(diagnosis.verdict).toBe('root-cause-found');
    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'organization-policy',
        problem: 'organization-policy-suspected',
        missingActions: ['s3:ReplicateObject'],
      },
    ]);
    expect(JSON.stringify(diagnosis.causes[0]?.fix)).toContain('list-policies-for-target');
  });

  it('finds no cause for the same failure outside an organization', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot(), PUT_OBJECT);

    expect(diagnosis.verdict).toBe('no-cause-found');
  });

  it('does not suspect an organization policy when a readable policy explains the failure', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().inOrganization().withoutRoleActions('s3:ReplicateObject'),
      PUT_OBJECT,
    );

    expect(diagnosis.causes.map((cause) => cause.location)).toEqual(['replication-role-policy']);
  });

  it('does not suspect an organization policy for a failure that is not about permissions', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().inOrganization(), {
      failureReason: 'DstBucketUnversioned',
    });

    expect(diagnosis.verdict).toBe('no-cause-found');
  });

  it('does not suspect an organization policy when a check could not run', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .inOrganization()
        .crossAccount()
        .denyRead('S3', 'GetBucketPolicy', { Bucket: DESTINATION_BUCKET }),
      PUT_OBJECT,
    );

    expect(diagnosis.verdict).toBe('inconclusive');
    expect(diagnosis.causes).toEqual([]);
  });
});

describe('failure reasons the diagnosis does not know', () => {
  it('runs every check for an unknown failure reason', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot(), { failureReason: 'DstSomethingNewNotPermitted' });

    expect(diagnosis.verdict).toBe('no-cause-found');
    expect([...(diagnosis.checks ?? [])].sort()).toEqual([...CHECK_NAMES].sort());
  });

  it('runs every check for a failure that carries no failure reason', async () => {
    // The event parser refuses such a record; the engine is still called with one through its API.
    const failure = {
      ...failureFrom(seedEvent({ failureReason: 'DstPutObjectNotPermitted' })),
      failureReason: undefined,
    };

    const diagnosis = await diagnoseFailure(failure, seedSnapshot().build('no failure reason'));

    expect(diagnosis.verdict).toBe('no-cause-found');
    expect([...(diagnosis.checks ?? [])].sort()).toEqual([...CHECK_NAMES].sort());
  });

  it('finds a cause outside any single plan when the failure reason is unknown', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().versioning('destination', 'Suspended'), {
      failureReason: 'DstSomethingNewNotPermitted',
    });

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'destination-bucket-configuration', problem: 'versioning-not-enabled', missingActions: [] },
    ]);
  });

  it('runs only the destination bucket check (and the base checks) for DstBucketUnversioned', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot(), { failureReason: 'DstBucketUnversioned' });

    expect(diagnosis.checks).toEqual([
      'replication-configuration',
      'source-versioning',
      'destination-bucket',
    ]);
  });
});
