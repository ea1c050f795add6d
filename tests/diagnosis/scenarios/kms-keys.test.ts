/**
 * SSE-KMS replication: key state, region and manager, and who may use a key (role policy, key policy,
 * grants), with the encryption context S3 really sends (object ARN, or bucket ARN with Bucket Keys).
 */
import { describe, expect, it } from 'vitest';
import { causeShapes, diagnoseSeed } from '../../support/run-diagnosis.js';
import {
  DESTINATION_ACCOUNT,
  REPLICA_KEY_ID,
  ROLE_ARN,
  SOURCE_ACCOUNT,
  SOURCE_BUCKET_ARN,
  SOURCE_KEY_ARN,
} from '../../support/seed-setup.js';
import { seedSnapshot } from '../../support/snapshot-builder.js';

const GET_OBJECT = { failureReason: 'SrcGetObjectNotPermitted' };
const PUT_OBJECT = { failureReason: 'DstPutObjectNotPermitted' };
const SAME_ACCOUNT_REPLICA_KEY = `arn:aws:kms:eu-west-1:${SOURCE_ACCOUNT}:key/${REPLICA_KEY_ID}`;
const CROSS_ACCOUNT_REPLICA_KEY = `arn:aws:kms:eu-west-1:${DESTINATION_ACCOUNT}:key/${REPLICA_KEY_ID}`;

describe('who may use the source key', () => {
  it('finds no cause in a healthy SSE-KMS setup', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().sseKms(), GET_OBJECT);

    expect(diagnosis.verdict).toBe('no-cause-found');
  });

  it('reports kms:Decrypt missing from the role policy, on the source key ARN', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().sseKms().withoutRoleActions('kms:Decrypt'),
      GET_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'replication-role-policy', problem: 'action-not-allowed', missingActions: ['kms:Decrypt'] },
    ]);
    expect(diagnosis.causes[0]?.resource).toBe(SOURCE_KEY_ARN);
    expect(JSON.stringify(diagnosis.causes[0]?.fix.policyStatement)).toContain(SOURCE_KEY_ARN);
  });

  it('reports the source key policy when it does not leave access to IAM and names other roles only', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().sseKms({ sourceKeyPolicy: 'restrictive' }),
      GET_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'source-kms-key', problem: 'action-not-allowed', missingActions: ['kms:Decrypt'] },
    ]);
    expect(diagnosis.causes[0]?.principal).toBe(ROLE_ARN);
    expect(diagnosis.causes[0]?.resource).toBe(SOURCE_KEY_ARN);
    expect(JSON.stringify(diagnosis.causes[0]?.fix)).toContain('put-key-policy');
  });

  it('accepts a grant to the role where the key policy does not allow it', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .sseKms({ sourceKeyPolicy: 'restrictive' })
        .keyGrant('source', { operations: ['Decrypt'] }),
      GET_OBJECT,
    );

    expect(diagnosis.causes).toEqual([]);
  });

  it('does not count a grant for other operations', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .sseKms({ sourceKeyPolicy: 'restrictive' })
        .keyGrant('source', { operations: ['Encrypt'] }),
      GET_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'source-kms-key', problem: 'action-not-allowed', missingActions: ['kms:Decrypt'] },
    ]);
  });

  it('reports an explicit deny in the key policy', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .sseKms()
        .addKeyPolicyStatement('source', {
          Sid: 'DenyDecryptToReplication',
          Effect: 'Deny',
          Principal: { AWS: ROLE_ARN },
          Action: 'kms:Decrypt',
          Resource: '*',
        }),
      GET_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'source-kms-key', problem: 'explicit-deny', missingActions: ['kms:Decrypt'] },
    ]);
    expect(JSON.stringify(diagnosis.causes[0])).toContain('DenyDecryptToReplication');
  });
});

describe('Bucket Keys', () => {
  it('accepts a role policy scoped to the bucket ARN, the context S3 sends with Bucket Keys', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().sseKms({ bucketKeys: true }), GET_OBJECT);

    expect(diagnosis.causes).toEqual([]);
  });

  it('reports kms:Decrypt when the role policy context names objects but the object uses a Bucket Key', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .sseKms({ bucketKeys: true })
        .roleStatement('SourceKeyDecrypt', (statement) => {
          statement.Condition = {
            StringLike: {
              'kms:ViaService': 's3.us-east-1.amazonaws.com',
              'kms:EncryptionContext:aws:s3:arn': [`${SOURCE_BUCKET_ARN}/*`],
            },
          };
        }),
      GET_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'replication-role-policy', problem: 'action-not-allowed', missingActions: ['kms:Decrypt'] },
    ]);
  });

  it('reports kms:Decrypt when the role policy names the bucket ARN but the object uses no Bucket Key', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .sseKms()
        .roleStatement('SourceKeyDecrypt', (statement) => {
          statement.Condition = {
            StringLike: {
              'kms:ViaService': 's3.us-east-1.amazonaws.com',
              'kms:EncryptionContext:aws:s3:arn': [SOURCE_BUCKET_ARN],
            },
          };
        }),
      GET_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'replication-role-policy', problem: 'action-not-allowed', missingActions: ['kms:Decrypt'] },
    ]);
  });

  it('reports kms:Decrypt when the role policy allows it only through another region', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .sseKms()
        .roleStatement('SourceKeyDecrypt', (statement) => {
          statement.Condition = { StringLike: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } };
        }),
      GET_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'replication-role-policy', problem: 'action-not-allowed', missingActions: ['kms:Decrypt'] },
    ]);
  });
});

describe('who may use the replica key', () => {
  it('reports kms:Encrypt and kms:GenerateDataKey missing from the role policy, on the replica key ARN', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().sseKms().withoutRoleActions('kms:Encrypt', 'kms:GenerateDataKey'),
      PUT_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'replication-role-policy',
        problem: 'action-not-allowed',
        missingActions: ['kms:Encrypt', 'kms:GenerateDataKey'],
      },
    ]);
    expect(diagnosis.causes[0]?.resource).toBe(SAME_ACCOUNT_REPLICA_KEY);
  });

  it('reports a cross-account replica key policy that does not name the role', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().crossAccount().sseKms({ replicaKeyPolicy: 'default' }),
      PUT_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      {
        location: 'destination-kms-key',
        problem: 'action-not-allowed',
        missingActions: ['kms:Encrypt', 'kms:GenerateDataKey'],
      },
    ]);
    expect(diagnosis.causes[0]?.resource).toBe(CROSS_ACCOUNT_REPLICA_KEY);
    expect(JSON.stringify(diagnosis.causes[0]?.fix.policyStatement)).toContain(ROLE_ARN);
  });

  it('accepts a cross-account replica key whose policy names the role', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().crossAccount().sseKms(), PUT_OBJECT);

    expect(diagnosis.causes).toEqual([]);
  });

  it('accepts a grant on the cross-account replica key instead of a key policy statement', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot()
        .crossAccount()
        .sseKms({ replicaKeyPolicy: 'default' })
        .keyGrant('replica', { operations: ['Encrypt', 'GenerateDataKey'] }),
      PUT_OBJECT,
    );

    expect(diagnosis.causes).toEqual([]);
  });
});

describe('key state, region and manager', () => {
  it('reports a disabled replica key', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().sseKms().keyState('replica', 'Disabled'), {
      failureReason: 'DstKmsKeyInvalidState',
    });

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'destination-kms-key', problem: 'key-disabled', missingActions: [] },
    ]);
    expect(JSON.stringify(diagnosis.causes[0]?.fix)).toContain('enable-key');
  });

  it('reports a source key pending deletion, with the commands to cancel it', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().sseKms().keyState('source', 'PendingDeletion'), {
      failureReason: 'SrcKmsKeyInvalidState',
    });

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'source-kms-key', problem: 'key-pending-deletion', missingActions: [] },
    ]);
    const fix = JSON.stringify(diagnosis.causes[0]?.fix);
    expect(fix).toContain('cancel-key-deletion');
    expect(fix).toContain(SOURCE_KEY_ARN);
  });

  it('treats a multi-Region replica pending deletion like a key pending deletion', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().sseKms().keyState('replica', 'PendingReplicaDeletion'),
      {
        failureReason: 'DstKmsKeyInvalidState',
      },
    );

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'destination-kms-key', problem: 'key-pending-deletion', missingActions: [] },
    ]);
  });

  it('reports other unusable states as disabled, naming the state', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().sseKms().keyState('replica', 'Unavailable'), {
      failureReason: 'DstKmsKeyInvalidState',
    });

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'destination-kms-key', problem: 'key-disabled', missingActions: [] },
    ]);
    expect(diagnosis.causes[0]?.summary).toContain('Unavailable');
  });

  it('reports a replica key that does not exist', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().sseKms().keyMissing('replica'), {
      failureReason: 'DstKmsKeyNotFound',
    });

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'destination-kms-key', problem: 'key-not-found', missingActions: [] },
    ]);
  });

  it('reports a replica key outside the destination bucket region', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().sseKms().keyRegion('replica', 'us-east-1'), {
      failureReason: 'DstKmsKeyNotFound',
    });

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'destination-kms-key', problem: 'key-wrong-region', missingActions: [] },
    ]);
  });

  it('reads the legacy EU location constraint as eu-west-1 when comparing the key region', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().sseKms().legacyEuLocation(), {
      failureReason: 'DstKmsKeyNotFound',
    });

    expect(diagnosis.causes).toEqual([]);
  });

  it('reports the AWS managed key aws/s3 used as the replica key across accounts', async () => {
    const diagnosis = await diagnoseSeed(
      seedSnapshot().crossAccount().sseKms().awsManagedKey('replica', SOURCE_ACCOUNT),
      PUT_OBJECT,
    );

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'destination-kms-key', problem: 'aws-managed-key-cross-account', missingActions: [] },
    ]);
  });
});

describe('the SSE-KMS opt-in', () => {
  it('reports an SSE-KMS object as not eligible when the rule does not opt in to SSE-KMS objects', async () => {
    const diagnosis = await diagnoseSeed(seedSnapshot().sseKms({ optIn: false }), {
      failureReason: 'SrcObjectNotEligible',
    });

    expect(causeShapes(diagnosis)).toEqual([
      { location: 'object', problem: 'object-not-eligible', missingActions: [] },
    ]);
  });
});
