import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../shared/diagnosis/diagnose.js';
import type { Diagnosis } from '../../../shared/diagnosis/types.js';
import type { PolicyDocument, PolicyStatement } from '../../../shared/policy/types.js';
import {
  DESTINATION_BUCKET,
  DESTINATION_BUCKET_ARN,
  ROLE_ARN,
  ROLE_NAME,
  SOURCE_BUCKET,
  SOURCE_BUCKET_ARN,
  seedCrossAccountBucketPolicy,
} from '../../support/seed-setup.js';
import {
  causeShapes,
  denied,
  fakeReads,
  ok,
  rolePolicyWith,
  ruleOf,
  seedFailure,
  seedWorld,
  type World,
} from './fake-reads.js';

const BOUNDARY_ARN = 'arn:aws:iam::123456789012:policy/ReplicationBoundary';

const run = (world: World, failureReason?: string): Promise<Diagnosis> =>
  diagnose(seedFailure({ failureReason }), fakeReads(world));

const shapes = causeShapes;

function withInline(world: World, document: PolicyDocument): World {
  world.inline = ok([{ name: 'S3ReplicationPolicy', kind: 'inline', document }]);
  return world;
}

function crossAccount(world: World, policy: PolicyDocument | null): World {
  ruleOf(world).Destination.Account = '444455556666';
  world.policy.destination = ok(policy);
  return world;
}

function withBoundary(world: World, statements: PolicyStatement[]): World {
  world.role = ok({
    ...(world.role.status === 'ok' ? world.role.value : { Arn: ROLE_ARN, RoleName: ROLE_NAME }),
    PermissionsBoundaryArn: BOUNDARY_ARN,
  });
  world.managed[BOUNDARY_ARN] = ok({
    name: BOUNDARY_ARN,
    kind: 'managed',
    document: { Version: '2012-10-17', Statement: statements },
  });
  return world;
}

describe('replication-role-policy check', () => {
  it('catches the classic statement on the bucket ARN instead of bucket/*', async () => {
    const world = withInline(
      seedWorld(),
      rolePolicyWith('DestinationBucketWriteAccess', {
        Sid: 'DestinationBucketWriteAccess',
        Effect: 'Allow',
        Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
        Resource: DESTINATION_BUCKET_ARN,
      }),
    );
    const diagnosis = await run(world, 'DstPutObjectNotPermitted');
    expect(shapes(diagnosis)).toEqual([
      {
        location: 'replication-role-policy',
        problem: 'action-not-allowed',
        missingActions: ['s3:ReplicateObject'],
      },
    ]);
    const [cause] = diagnosis.causes;
    expect(cause).toMatchObject({ principal: ROLE_ARN, resource: `${DESTINATION_BUCKET_ARN}/*` });
    expect(cause?.fix.policyStatement).toEqual({
      Sid: 'AllowReplicationDestinationObjects',
      Effect: 'Allow',
      Action: ['s3:ReplicateObject'],
      Resource: [`${DESTINATION_BUCKET_ARN}/*`],
    });
    expect(cause?.fix.commands).toEqual([
      'aws iam put-role-policy --role-name S3ReplicationRole --policy-name s3-replication-doctor-destination-objects --policy-document file://policy.json',
    ]);
    expect(cause?.evidence).toContain('identity policies read: inline S3ReplicationPolicy');
  });

  it('groups every missing source action into one cause per resource, sorted', async () => {
    const world = withInline(seedWorld(), rolePolicyWith('SourceObjectReadAccess', undefined));
    world.tagging['finance/2024/q3 report.pdf'] = ok([{ Key: 'team', Value: 'finance' }]);
    const diagnosis = await run(world, 'UnknownCode');
    expect(shapes(diagnosis)).toEqual([
      {
        location: 'replication-role-policy',
        problem: 'action-not-allowed',
        missingActions: [
          's3:GetObjectVersionAcl',
          's3:GetObjectVersionForReplication',
          's3:GetObjectVersionTagging',
        ],
      },
    ]);
    expect(diagnosis.causes[0]?.resource).toBe(`${SOURCE_BUCKET_ARN}/*`);
  });

  it('finds nothing wrong with the seed policy for any destination write code', async () => {
    for (const code of [
      'DstPutObjectNotPermitted',
      'DstMultipartInitNotPermitted',
      'DstDelObjNotPermitted',
    ]) {
      const diagnosis = await run(seedWorld(), code);
      expect(diagnosis, code).toMatchObject({ verdict: 'no-cause-found', action: 'retrigger', causes: [] });
    }
  });

  it('reports an explicit deny in an identity policy with the statement and where it lives', async () => {
    const world = withInline(seedWorld(), {
      Version: '2012-10-17',
      Statement: [
        ...(rolePolicyWith('x', undefined).Statement as PolicyStatement[]),
        {
          Sid: 'NoDeletes',
          Effect: 'Deny',
          Action: ['s3:ReplicateDelete', 's3:DeleteObject'],
          Resource: `${DESTINATION_BUCKET_ARN}/*`,
        },
      ],
    });
    const diagnosis = await run(world, 'DstDelObjNotPermitted');
    expect(shapes(diagnosis)).toEqual([
      {
        location: 'replication-role-policy',
        problem: 'explicit-deny',
        missingActions: ['s3:ReplicateDelete'],
      },
    ]);
    const [cause] = diagnosis.causes;
    expect(cause?.summary).toContain('S3ReplicationPolicy, statement "NoDeletes"');
    expect(cause?.fix.policyStatement).toEqual({
      Sid: 'NoDeletes',
      Effect: 'Deny',
      Action: ['s3:DeleteObject'],
      Resource: `${DESTINATION_BUCKET_ARN}/*`,
    });
    expect(cause?.fix.commands[1]).toBe(
      'aws iam put-role-policy --role-name S3ReplicationRole --policy-name S3ReplicationPolicy --policy-document file://policy.json',
    );
    expect(cause?.evidence).toContain(
      `S3ReplicationPolicy statement "NoDeletes" (index 3) denies s3:ReplicateDelete on ${DESTINATION_BUCKET_ARN}/*`,
    );
  });

  it('accepts a permission granted by an attached managed policy', async () => {
    const world = withInline(seedWorld(), rolePolicyWith('DestinationBucketWriteAccess', undefined));
    world.attached = ok([
      {
        name: 'arn:aws:iam::123456789012:policy/ReplicaWriter',
        kind: 'managed',
        document: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:Replicate*', Resource: `${DESTINATION_BUCKET_ARN}/*` }],
        },
      },
    ]);
    expect((await run(world, 'DstPutObjectNotPermitted')).causes).toEqual([]);
  });

  it('blames the permissions boundary when it does not allow what the identity policy does', async () => {
    const world = withBoundary(seedWorld(), [
      { Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' },
    ]);
    const diagnosis = await run(world, 'DstPutObjectNotPermitted');
    expect(shapes(diagnosis)).toEqual([
      {
        location: 'replication-role-permissions-boundary',
        problem: 'action-not-allowed',
        missingActions: ['s3:ReplicateObject'],
      },
    ]);
    expect(diagnosis.causes[0]?.fix.commands.at(-1)).toBe(
      `aws iam create-policy-version --policy-arn ${BOUNDARY_ARN} --policy-document file://policy.json --set-as-default`,
    );
  });

  it('reports an explicit deny in the boundary', async () => {
    const world = withBoundary(seedWorld(), [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Sid: 'NoReplication', Effect: 'Deny', Action: 's3:Replicate*', Resource: '*' },
    ]);
    const diagnosis = await run(world, 'DstPutObjectNotPermitted');
    expect(shapes(diagnosis)).toEqual([
      {
        location: 'replication-role-permissions-boundary',
        problem: 'explicit-deny',
        missingActions: ['s3:ReplicateObject'],
      },
    ]);
    // A wildcard deny cannot be narrowed by dropping an action: the fix says so instead of guessing.
    expect(diagnosis.causes[0]?.fix.policyStatement).toBeUndefined();
    expect(diagnosis.causes[0]?.fix.summary).toContain('remove it, or narrow its Action or Resource');
  });

  it('keeps the identity causes and names the boundary when the boundary cannot be read', async () => {
    const world = withInline(seedWorld(), rolePolicyWith('DestinationBucketWriteAccess', undefined));
    withBoundary(world, []);
    world.managed[BOUNDARY_ARN] = denied();
    const diagnosis = await run(world, 'DstPutObjectNotPermitted');
    expect(shapes(diagnosis).map((s) => s.location)).toEqual(['replication-role-policy']);
    expect(diagnosis.inconclusive).toEqual([
      {
        check: 'replication-role-policy',
        why: `iam:GetPolicyVersion on the permissions boundary ${BOUNDARY_ARN} was denied to the diagnoser (AccessDenied)`,
      },
    ]);
  });

  it('is inconclusive when the role’s inline policies cannot be read', async () => {
    const world = seedWorld();
    world.inline = denied();
    const diagnosis = await run(world, 'DstPutObjectNotPermitted');
    expect(diagnosis.causes).toEqual([]);
    expect(diagnosis.verdict).toBe('inconclusive');
    expect(diagnosis.inconclusive.map((i) => i.check)).toEqual(['replication-role-policy']);
  });

  it('reports the role as missing when its policies cannot be listed because it is gone', async () => {
    const world = seedWorld();
    world.role = { status: 'not-found', error: 'NoSuchEntity' };
    world.inline = { status: 'not-found', error: 'NoSuchEntity' };
    const diagnosis = await run(world, 'DstPutObjectNotPermitted');
    expect(shapes(diagnosis)).toEqual([
      { location: 'replication-role', problem: 'role-not-found', missingActions: [] },
    ]);
  });
});

describe('destination-bucket-policy check', () => {
  it('reports a cross-account destination without a bucket policy, with the statement to add', async () => {
    const diagnosis = await run(crossAccount(seedWorld(), null), 'DstPutObjectNotPermitted');
    expect(shapes(diagnosis)).toEqual([
      {
        location: 'destination-bucket-policy',
        problem: 'action-not-allowed',
        missingActions: ['s3:ReplicateObject'],
      },
    ]);
    const [cause] = diagnosis.causes;
    expect(cause?.resource).toBe(`${DESTINATION_BUCKET_ARN}/*`);
    expect(cause?.summary).toContain('(account 444455556666) has no bucket policy');
    expect(cause?.fix.policyStatement).toEqual({
      Sid: 'AllowReplicationFrom123456789012',
      Effect: 'Allow',
      Principal: { AWS: ROLE_ARN },
      Action: ['s3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags'],
      Resource: `${DESTINATION_BUCKET_ARN}/*`,
    });
    expect(cause?.fix.commands).toEqual([
      `aws s3api put-bucket-policy --bucket ${DESTINATION_BUCKET} --policy file://policy.json`,
    ]);
  });

  it('fetches the existing destination policy first when the statement must be merged into it', async () => {
    const diagnosis = await run(
      crossAccount(seedWorld(), {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Other',
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::444455556666:root' },
            Action: 's3:GetObject',
            Resource: `${DESTINATION_BUCKET_ARN}/*`,
          },
        ],
      }),
      'DstPutObjectNotPermitted',
    );
    expect(diagnosis.causes[0]?.fix.commands).toEqual([
      `aws s3api get-bucket-policy --bucket ${DESTINATION_BUCKET} --query Policy --output text > policy.json`,
      `aws s3api put-bucket-policy --bucket ${DESTINATION_BUCKET} --policy file://policy.json`,
    ]);
  });

  it('accepts the seed guide’s cross-account bucket policy', async () => {
    const diagnosis = await run(
      crossAccount(seedWorld(), seedCrossAccountBucketPolicy()),
      'DstPutObjectNotPermitted',
    );
    expect(diagnosis.causes).toEqual([]);
  });

  it('lists both the role policy and the bucket policy when both lack the action', async () => {
    const world = crossAccount(
      withInline(seedWorld(), rolePolicyWith('DestinationBucketWriteAccess', undefined)),
      null,
    );
    const diagnosis = await run(world, 'DstPutObjectNotPermitted');
    expect(shapes(diagnosis).map((s) => s.location)).toEqual([
      'destination-bucket-policy',
      'replication-role-policy',
    ]);
  });

  it('needs s3:ObjectOwnerOverrideToBucketOwner from a cross-account destination when owner override is set', async () => {
    const world = crossAccount(seedWorld(), {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: ROLE_ARN },
          Action: ['s3:ReplicateObject', 's3:ReplicateDelete'],
          Resource: `${DESTINATION_BUCKET_ARN}/*`,
        },
      ],
    });
    ruleOf(world).Destination.AccessControlTranslation = { Owner: 'Destination' };
    world.ownership.destination = ok({ Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] });
    world.inline = ok([
      {
        name: 'S3ReplicationPolicy',
        kind: 'inline',
        document: rolePolicyWith('DestinationBucketWriteAccess', {
          Effect: 'Allow',
          Action: ['s3:ReplicateObject', 's3:ObjectOwnerOverrideToBucketOwner'],
          Resource: `${DESTINATION_BUCKET_ARN}/*`,
        }),
      },
    ]);
    const diagnosis = await run(world, 'DstPutObjectNotPermitted');
    expect(shapes(diagnosis)).toEqual([
      {
        location: 'destination-bucket-policy',
        problem: 'action-not-allowed',
        missingActions: ['s3:ObjectOwnerOverrideToBucketOwner'],
      },
    ]);
  });

  it('does not need the owner override permission when the destination enforces bucket-owner ownership', async () => {
    const world = crossAccount(seedWorld(), seedCrossAccountBucketPolicy());
    ruleOf(world).Destination.AccessControlTranslation = { Owner: 'Destination' };
    const reads = fakeReads(world);
    const diagnosis = await diagnose(seedFailure({ failureReason: 'DstPutAclNotPermitted' }), reads);
    expect(diagnosis.causes).toEqual([]);
    expect(reads.count('getBucketOwnershipControls')).toBe(1);
  });

  it('assumes the owner override permission is needed when the ownership controls cannot be read, and says so', async () => {
    const world = crossAccount(seedWorld(), seedCrossAccountBucketPolicy());
    ruleOf(world).Destination.AccessControlTranslation = { Owner: 'Destination' };
    world.ownership.destination = denied('AccessDenied');
    const diagnosis = await run(world, 'DstPutObjectNotPermitted');
    expect(shapes(diagnosis)).toEqual([
      {
        location: 'replication-role-policy',
        problem: 'action-not-allowed',
        missingActions: ['s3:ObjectOwnerOverrideToBucketOwner'],
      },
    ]);
    expect(diagnosis.notes).toContain(
      `s3:GetBucketOwnershipControls on ${DESTINATION_BUCKET} was denied to the diagnoser (AccessDenied); s3:ObjectOwnerOverrideToBucketOwner is assumed needed`,
    );
  });

  it('reports an explicit deny in a same-account destination bucket policy and exempts the role in the fix', async () => {
    const deny: PolicyStatement = {
      Sid: 'DenyOutsideWriters',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:Replicate*',
      Resource: `${DESTINATION_BUCKET_ARN}/*`,
    };
    const world = seedWorld();
    world.policy.destination = ok({ Version: '2012-10-17', Statement: [deny] });
    const diagnosis = await run(world, 'DstMultipartCompleteNotPermitted');
    expect(shapes(diagnosis)).toEqual([
      {
        location: 'destination-bucket-policy',
        problem: 'explicit-deny',
        missingActions: ['s3:ReplicateObject'],
      },
    ]);
    expect(diagnosis.causes[0]?.fix.policyStatement).toEqual({
      ...deny,
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [ROLE_ARN] } },
    });
  });

  it('does not treat a TLS-only deny as a cause: S3 replicates over TLS', async () => {
    const world = crossAccount(seedWorld(), {
      Version: '2012-10-17',
      Statement: [
        ...(seedCrossAccountBucketPolicy().Statement as PolicyStatement[]),
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [DESTINATION_BUCKET_ARN, `${DESTINATION_BUCKET_ARN}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
    expect((await run(world, 'DstPutObjectNotPermitted')).causes).toEqual([]);
  });

  it('reports s3:ReplicateTags only when a policy explicitly denies it', async () => {
    const world = crossAccount(seedWorld(), seedCrossAccountBucketPolicy());
    expect((await run(world, 'DstPutTaggingNotPermitted')).causes).toEqual([]);
    world.policy.destination = ok({
      Version: '2012-10-17',
      Statement: [
        ...(seedCrossAccountBucketPolicy().Statement as PolicyStatement[]),
        {
          Sid: 'NoTags',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:ReplicateTags',
          Resource: `${DESTINATION_BUCKET_ARN}/*`,
        },
      ],
    });
    expect(shapes(await run(world, 'DstPutTaggingNotPermitted'))).toEqual([
      {
        location: 'destination-bucket-policy',
        problem: 'explicit-deny',
        missingActions: ['s3:ReplicateTags'],
      },
    ]);
  });

  it('is inconclusive when a cross-account destination policy cannot be read, and says what it must contain', async () => {
    const world = crossAccount(seedWorld(), null);
    world.policy.destination = denied('AccessDenied');
    const diagnosis = await run(world, 'DstPutObjectNotPermitted');
    expect(diagnosis).toMatchObject({ verdict: 'inconclusive', action: 'notify', causes: [] });
    const [entry] = diagnosis.inconclusive;
    expect(entry?.check).toBe('destination-bucket-policy');
    expect(entry?.why).toContain(`s3:GetBucketPolicy on ${DESTINATION_BUCKET} was denied to the diagnoser`);
    expect(entry?.why).toContain(
      'it must allow the role s3:ReplicateDelete, s3:ReplicateObject, s3:ReplicateTags',
    );
    expect(entry?.fix?.policyStatement).toMatchObject({
      Principal: { AWS: ROLE_ARN },
      Resource: `${DESTINATION_BUCKET_ARN}/*`,
    });
  });
});

describe('source-bucket-policy check', () => {
  it('reports a source bucket policy that denies the role what replication reads', async () => {
    const world = seedWorld();
    world.policy.source = ok({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'OnlyAppReads',
          Effect: 'Deny',
          NotPrincipal: { AWS: 'arn:aws:iam::123456789012:role/App' },
          Action: 's3:GetObject*',
          Resource: `${SOURCE_BUCKET_ARN}/*`,
        },
      ],
    });
    const diagnosis = await run(world, 'SrcGetObjectNotPermitted');
    expect(shapes(diagnosis)).toEqual([
      {
        location: 'source-bucket-policy',
        problem: 'explicit-deny',
        missingActions: ['s3:GetObjectVersionForReplication'],
      },
    ]);
    expect(diagnosis.causes[0]?.fix.commands[0]).toBe(
      `aws s3api get-bucket-policy --bucket ${SOURCE_BUCKET} --query Policy --output text > policy.json`,
    );
  });

  it('is inconclusive when the source bucket policy cannot be read', async () => {
    const world = seedWorld();
    world.policy.source = denied();
    const diagnosis = await run(world, 'SrcGetTaggingNotPermitted');
    expect(diagnosis.inconclusive.map((i) => i.check)).toEqual(['source-bucket-policy']);
    expect(diagnosis.inconclusive[0]?.fix).toBeUndefined();
  });
});
