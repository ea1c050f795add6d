import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../shared/diagnosis/diagnose.js';
import type { Diagnosis } from '../../../shared/diagnosis/types.js';
import {
  DESTINATION_BUCKET_ARN,
  defaultKeyPolicy,
  OBJECT_KEY,
  REPLICA_KEY_ID,
  ROLE_ARN,
  replicaKeyArn,
  restrictiveKeyPolicy,
  SOURCE_ACCOUNT,
  SOURCE_BUCKET_ARN,
  SOURCE_KEY_ARN,
} from '../../support/seed-setup.js';
import {
  causeShapes,
  denied,
  fakeReads,
  notFound,
  ok,
  ruleOf,
  seedFailure,
  type World,
} from './fake-reads.js';
import { kmsWorld, REPLICA_KEY_ARN, replicaKeyStatement, sourceKeyStatement } from './kms-world.js';

const run = (world: World, failureReason?: string): Promise<Diagnosis> =>
  diagnose(seedFailure({ failureReason }), fakeReads(world));

const shapes = causeShapes;

function keyState(world: World, keyArn: string, state: string, extra: Record<string, unknown> = {}): void {
  const read = world.keys[keyArn];
  if (read?.status !== 'ok') throw new Error(`no key ${keyArn}`);
  world.keys[keyArn] = ok({ ...read.value, KeyState: state, ...extra });
}

describe('source-kms-key check', () => {
  it('finds nothing wrong when the role may decrypt under the conditions S3 sends', async () => {
    expect(await run(kmsWorld(), 'SrcGetObjectNotPermitted')).toMatchObject({
      verdict: 'no-cause-found',
      causes: [],
    });
  });

  it('reports kms:Decrypt missing from the role when the key policy delegates to IAM', async () => {
    const diagnosis = await run(
      kmsWorld({ roleKmsStatements: [replicaKeyStatement()] }),
      'SrcGetObjectNotPermitted',
    );
    expect(shapes(diagnosis)).toEqual([
      { location: 'replication-role-policy', problem: 'action-not-allowed', missingActions: ['kms:Decrypt'] },
    ]);
    const [cause] = diagnosis.causes;
    expect(cause?.resource).toBe(SOURCE_KEY_ARN);
    expect(cause?.fix.policyStatement).toEqual({
      Sid: 'AllowReplicationSourceKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [SOURCE_KEY_ARN],
      Condition: {
        StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': `${SOURCE_BUCKET_ARN}/*` },
      },
    });
  });

  it('evaluates the bucket ARN as encryption context when the object uses an S3 Bucket Key', async () => {
    const world = kmsWorld();
    world.heads[OBJECT_KEY] = ok({
      ReplicationStatus: 'FAILED',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: SOURCE_KEY_ARN,
      BucketKeyEnabled: true,
    });
    // The seed statement allows only object ARNs, so with a Bucket Key it no longer matches.
    const diagnosis = await run(world, 'SrcGetObjectNotPermitted');
    expect(shapes(diagnosis)).toEqual([
      { location: 'replication-role-policy', problem: 'action-not-allowed', missingActions: ['kms:Decrypt'] },
    ]);
    expect(diagnosis.causes[0]?.fix.policyStatement?.Condition).toEqual({
      StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': SOURCE_BUCKET_ARN },
    });
  });

  it.each([
    ['Disabled', 'key-disabled', 'aws kms enable-key'],
    ['PendingDeletion', 'key-pending-deletion', 'aws kms cancel-key-deletion'],
    ['PendingImport', 'key-disabled', 'aws kms describe-key'],
  ])('reports a source key in state %s as %s', async (state, problem, command) => {
    const world = kmsWorld();
    keyState(world, SOURCE_KEY_ARN, state);
    const diagnosis = await run(world, 'SrcKmsKeyInvalidState');
    expect(shapes(diagnosis)).toEqual([{ location: 'source-kms-key', problem, missingActions: [] }]);
    expect(diagnosis.causes[0]?.summary).toContain(state === 'Disabled' ? 'disabled' : state);
    expect(diagnosis.causes[0]?.fix.commands[0]).toContain(command);
    expect(diagnosis.causes[0]?.fix.commands[0]).toContain('--region us-east-1');
  });

  it('reads no key policy for a key-state code', async () => {
    const reads = fakeReads(kmsWorld());
    await diagnose(seedFailure({ failureReason: 'SrcKmsKeyInvalidState' }), reads);
    expect(reads.count('describeKey')).toBe(1);
    expect(reads.count('getKeyPolicy')).toBe(0);
    expect(reads.count('getRoleInlinePolicies')).toBe(0);
  });

  it('reports an SSE-KMS object under a rule that does not replicate SSE-KMS objects', async () => {
    const world = kmsWorld();
    delete ruleOf(world).SourceSelectionCriteria;
    const diagnosis = await run(world, 'SrcKmsKeyInvalidState');
    expect(shapes(diagnosis)).toEqual([
      { location: 'object', problem: 'object-not-eligible', missingActions: [] },
    ]);
  });

  it('passes, with a note, for an object that is not KMS-encrypted', async () => {
    const diagnosis = await run(kmsWorld(), 'SrcKmsKeyInvalidState');
    expect(diagnosis.verdict).toBe('no-cause-found');
    const plain = kmsWorld();
    plain.heads[OBJECT_KEY] = ok({ ReplicationStatus: 'FAILED', ServerSideEncryption: 'AES256' });
    const plainDiagnosis = await run(plain, 'SrcKmsKeyInvalidState');
    expect(plainDiagnosis.verdict).toBe('no-cause-found');
    expect(plainDiagnosis.notes?.join(' ')).toContain('not encrypted with KMS (AES256)');
  });

  it('is inconclusive when HeadObject is denied, as the key is then unknown', async () => {
    const world = kmsWorld();
    world.heads[OBJECT_KEY] = denied();
    const diagnosis = await run(world, 'SrcKmsKeyInvalidState');
    expect(diagnosis).toMatchObject({ verdict: 'inconclusive', causes: [] });
  });
});

describe('destination-kms-key check', () => {
  it('reports a replica key that does not exist, with the configuration edit as fix', async () => {
    const world = kmsWorld();
    world.keys[REPLICA_KEY_ARN] = notFound('NotFoundException');
    const diagnosis = await run(world, 'DstKmsKeyNotFound');
    expect(shapes(diagnosis)).toEqual([
      { location: 'destination-kms-key', problem: 'key-not-found', missingActions: [] },
    ]);
    expect(diagnosis.causes[0]?.summary).toContain('in eu-west-1');
    expect(diagnosis.causes[0]?.fix.commands[1]).toContain('put-bucket-replication');
  });

  it('reports a replica key in another region than the destination bucket', async () => {
    const world = kmsWorld();
    const wrong = replicaKeyArn(SOURCE_ACCOUNT, 'us-west-2');
    ruleOf(world).Destination.EncryptionConfiguration = { ReplicaKmsKeyID: wrong };
    world.keys[wrong] = ok({
      KeyId: REPLICA_KEY_ID,
      Arn: wrong,
      AWSAccountId: SOURCE_ACCOUNT,
      KeyState: 'Enabled',
    });
    const diagnosis = await run(world, 'DstKmsKeyInvalidState');
    expect(shapes(diagnosis)).toEqual([
      { location: 'destination-kms-key', problem: 'key-wrong-region', missingActions: [] },
    ]);
    expect(diagnosis.causes[0]?.summary).toContain('is in us-west-2, but the destination bucket');
  });

  it('reports the AWS managed key used for a destination in another account', async () => {
    const world = kmsWorld();
    ruleOf(world).Destination.Account = '444455556666';
    keyState(world, REPLICA_KEY_ARN, 'Enabled', { KeyManager: 'AWS' });
    const diagnosis = await run(world, 'DstKmsKeyInvalidState');
    expect(shapes(diagnosis)).toEqual([
      { location: 'destination-kms-key', problem: 'aws-managed-key-cross-account', missingActions: [] },
    ]);
  });

  it('reports a replica key policy in another account that does not name the role', async () => {
    const world = kmsWorld();
    const foreignKey = replicaKeyArn('444455556666');
    ruleOf(world).Destination.Account = '444455556666';
    ruleOf(world).Destination.EncryptionConfiguration = { ReplicaKmsKeyID: foreignKey };
    world.policy.destination = ok({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: ROLE_ARN },
          Action: 's3:Replicate*',
          Resource: `${DESTINATION_BUCKET_ARN}/*`,
        },
      ],
    });
    world.keys[foreignKey] = ok({
      KeyId: REPLICA_KEY_ID,
      Arn: foreignKey,
      AWSAccountId: '444455556666',
      KeyState: 'Enabled',
      KeyManager: 'CUSTOMER',
    });
    world.keyPolicies[foreignKey] = ok(defaultKeyPolicy('444455556666'));
    world.inline = ok([
      {
        name: 'S3ReplicationPolicy',
        kind: 'inline',
        document: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 's3:*', Resource: '*' },
            { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: foreignKey },
          ],
        },
      },
    ]);
    const diagnosis = await run(world, 'DstPutObjectNotPermitted');
    expect(shapes(diagnosis)).toEqual([
      {
        location: 'destination-kms-key',
        problem: 'action-not-allowed',
        missingActions: ['kms:Encrypt', 'kms:GenerateDataKey'],
      },
    ]);
    const fix = diagnosis.causes[0]?.fix;
    expect(fix?.policyStatement).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: ROLE_ARN },
      Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': `${DESTINATION_BUCKET_ARN}/*` },
      },
    });
    expect(fix?.commands).toEqual([
      `aws kms get-key-policy --key-id ${foreignKey} --policy-name default --query Policy --output text --region eu-west-1 > key-policy.json`,
      `aws kms put-key-policy --key-id ${foreignKey} --policy-name default --policy file://key-policy.json --region eu-west-1`,
    ]);
  });

  it('accepts a grant that lets the role use a key whose policy does not', async () => {
    const world = kmsWorld();
    world.keyPolicies[REPLICA_KEY_ARN] = ok(restrictiveKeyPolicy(SOURCE_ACCOUNT));
    expect(shapes(await run(world, 'DstPutObjectNotPermitted')).map((s) => s.location)).toEqual([
      'destination-kms-key',
    ]);
    world.grants[REPLICA_KEY_ARN] = ok([
      { GrantId: 'g-1', GranteePrincipal: ROLE_ARN, Operations: ['Encrypt', 'GenerateDataKey'] },
    ]);
    expect((await run(world, 'DstPutObjectNotPermitted')).causes).toEqual([]);
  });

  it('needs kms:Decrypt on the replica key too when the destination uses S3 Bucket Keys', async () => {
    const world = kmsWorld();
    world.encryption.destination = ok({
      Rules: [
        {
          ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: REPLICA_KEY_ARN },
          BucketKeyEnabled: true,
        },
      ],
    });
    const diagnosis = await run(world, 'DstPutObjectNotPermitted');
    // The seed statement names object ARNs: with a Bucket Key the context is the bucket ARN.
    expect(shapes(diagnosis)).toEqual([
      {
        location: 'replication-role-policy',
        problem: 'action-not-allowed',
        missingActions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      },
    ]);
  });

  it('uses the destination default key for a plaintext source under a rule without ReplicaKmsKeyID', async () => {
    const world = kmsWorld();
    delete ruleOf(world).Destination.EncryptionConfiguration;
    delete ruleOf(world).SourceSelectionCriteria;
    world.heads[OBJECT_KEY] = ok({ ReplicationStatus: 'FAILED', ServerSideEncryption: 'AES256' });
    world.encryption.destination = ok({
      Rules: [
        { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: REPLICA_KEY_ARN } },
      ],
    });
    keyState(world, REPLICA_KEY_ARN, 'Disabled');
    const diagnosis = await run(world, 'DstKmsKeyInvalidState');
    expect(shapes(diagnosis)).toEqual([
      { location: 'destination-kms-key', problem: 'key-disabled', missingActions: [] },
    ]);
  });

  it('is inconclusive about the key policy when it cannot be read, yet still checks the role against the default policy', async () => {
    const world = kmsWorld({ roleKmsStatements: [sourceKeyStatement()] });
    world.keyPolicies[REPLICA_KEY_ARN] = denied();
    const diagnosis = await run(world, 'DstPutObjectNotPermitted');
    expect(shapes(diagnosis)).toEqual([
      {
        location: 'replication-role-policy',
        problem: 'action-not-allowed',
        missingActions: ['kms:Encrypt', 'kms:GenerateDataKey'],
      },
    ]);
    expect(diagnosis.causes[0]?.evidence?.at(-1)).toContain('assumed: the key policy could not be read');
    expect(diagnosis.inconclusive).toEqual([
      {
        check: 'destination-kms-key',
        why: `kms:GetKeyPolicy on ${REPLICA_KEY_ARN} was denied to the diagnoser (AccessDenied)`,
      },
    ]);
  });

  it('does not blame a key policy that does not allow when the grants could not be read', async () => {
    const world = kmsWorld();
    world.keyPolicies[REPLICA_KEY_ARN] = ok(restrictiveKeyPolicy(SOURCE_ACCOUNT));
    world.grants[REPLICA_KEY_ARN] = denied();
    const diagnosis = await run(world, 'DstPutObjectNotPermitted');
    expect(diagnosis).toMatchObject({ verdict: 'inconclusive', causes: [] });
  });
});
