/** The seed setup with SSE-KMS on both sides (reference §4.2): keys, rule opt-in, and the role's KMS statements. */
import type { PolicyStatement } from '../../../shared/policy/types.js';
import {
  DESTINATION_BUCKET_ARN,
  defaultKeyPolicy,
  OBJECT_KEY,
  REPLICA_KEY_ID,
  replicaKeyArn,
  SOURCE_ACCOUNT,
  SOURCE_BUCKET_ARN,
  SOURCE_KEY_ARN,
  SOURCE_KEY_ID,
  seedRolePolicy,
} from '../../support/seed-setup.js';
import { ok, seedWorld, type World } from './fake-reads.js';

export const REPLICA_KEY_ARN = replicaKeyArn(SOURCE_ACCOUNT);

export function sourceKeyStatement(): PolicyStatement {
  return {
    Sid: 'SourceKeyDecrypt',
    Effect: 'Allow',
    Action: ['kms:Decrypt'],
    Resource: SOURCE_KEY_ARN,
    Condition: {
      StringLike: {
        'kms:ViaService': 's3.us-east-1.amazonaws.com',
        'kms:EncryptionContext:aws:s3:arn': `${SOURCE_BUCKET_ARN}/*`,
      },
    },
  };
}

export function replicaKeyStatement(): PolicyStatement {
  return {
    Sid: 'ReplicaKeyEncrypt',
    Effect: 'Allow',
    Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
    Resource: REPLICA_KEY_ARN,
    Condition: {
      StringLike: {
        'kms:ViaService': 's3.eu-west-1.amazonaws.com',
        'kms:EncryptionContext:aws:s3:arn': `${DESTINATION_BUCKET_ARN}/*`,
      },
    },
  };
}

/** SSE-KMS object, rule opted in with a replica key, default key policies, role allowed both keys. */
export function kmsWorld(options: { roleKmsStatements?: PolicyStatement[] } = {}): World {
  const world = seedWorld();
  world.heads[OBJECT_KEY] = ok({
    ReplicationStatus: 'FAILED',
    ServerSideEncryption: 'aws:kms',
    SSEKMSKeyId: SOURCE_KEY_ARN,
    StorageClass: 'STANDARD',
  });
  if (world.replication.status === 'ok' && world.replication.value) {
    const rule = world.replication.value.Rules[0];
    if (rule) {
      rule.SourceSelectionCriteria = { SseKmsEncryptedObjects: { Status: 'Enabled' } };
      rule.Destination.EncryptionConfiguration = { ReplicaKmsKeyID: REPLICA_KEY_ARN };
    }
  }
  world.keys[SOURCE_KEY_ARN] = ok({
    KeyId: SOURCE_KEY_ID,
    Arn: SOURCE_KEY_ARN,
    AWSAccountId: SOURCE_ACCOUNT,
    KeyState: 'Enabled',
    Enabled: true,
    KeyManager: 'CUSTOMER',
  });
  world.keys[REPLICA_KEY_ARN] = ok({
    KeyId: REPLICA_KEY_ID,
    Arn: REPLICA_KEY_ARN,
    AWSAccountId: SOURCE_ACCOUNT,
    KeyState: 'Enabled',
    Enabled: true,
    KeyManager: 'CUSTOMER',
  });
  world.keyPolicies[SOURCE_KEY_ARN] = ok(defaultKeyPolicy(SOURCE_ACCOUNT));
  world.keyPolicies[REPLICA_KEY_ARN] = ok(defaultKeyPolicy(SOURCE_ACCOUNT));
  const statements = options.roleKmsStatements ?? [sourceKeyStatement(), replicaKeyStatement()];
  const policy = seedRolePolicy();
  world.inline = ok([
    {
      name: 'S3ReplicationPolicy',
      kind: 'inline',
      document: { ...policy, Statement: [...(policy.Statement as PolicyStatement[]), ...statements] },
    },
  ]);
  return world;
}
