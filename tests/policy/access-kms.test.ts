import { describe, expect, it } from 'vitest';
import type { AccessInput } from '../../shared/policy/api.js';
import { evaluateAccess } from '../../shared/policy/index.js';
import { s3EncryptionContextArn } from '../../shared/policy/replication-context.js';
import {
  boundaryPolicy,
  DESTINATION_ACCOUNT,
  DESTINATION_BUCKET,
  defaultKeyPolicy,
  doc,
  grant,
  inline,
  keyPolicy,
  kmsCall,
  OBJECT_KEY,
  ROLE_ARN,
  replicaKeyArn,
  replicaKeyRoleStatement,
  SESSION_ARN,
  SOURCE_ACCOUNT,
  SOURCE_BUCKET,
  SOURCE_KEY_ARN,
  SOURCE_REGION,
  seedRolePolicy,
  sourceKeyRoleStatement,
  statements,
} from './fixtures.js';

const crossKey = replicaKeyArn(DESTINATION_ACCOUNT);
const sameKey = replicaKeyArn(SOURCE_ACCOUNT);

/** The role policy of the KMS replication guide: the seed policy plus the source and replica key statements. */
const kmsRolePolicy = (keyArn: string) =>
  inline(doc(...statements(seedRolePolicy()), sourceKeyRoleStatement(), replicaKeyRoleStatement(keyArn)));

/** The destination owner's key policy statement for the source role (troubleshooting page). */
const keyPolicyForRole = (account: string) =>
  keyPolicy(
    doc(...statements(defaultKeyPolicy(account)), {
      Sid: 'AllowReplicationRole',
      Effect: 'Allow',
      Principal: { AWS: ROLE_ARN },
      Action: ['kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt'],
      Resource: '*',
    }),
    replicaKeyArn(account),
  );

function access(overrides: Partial<AccessInput> & Pick<AccessInput, 'request'>) {
  return evaluateAccess({ identityPolicies: [], resourceType: 'kms', ...overrides });
}

describe('same-account KMS keys', () => {
  it('allows the role through the default key policy when its identity policy allows', () => {
    const result = access({
      request: kmsCall(SOURCE_ACCOUNT),
      identityPolicies: [kmsRolePolicy(sameKey)],
      resourcePolicy: keyPolicy(defaultKeyPolicy(SOURCE_ACCOUNT), sameKey),
    });
    expect(result).toMatchObject({ allowed: true, failures: [] });
  });

  it('allows the source key Decrypt with the kms:ViaService and object-ARN conditions of the guide', () => {
    const result = access({
      request: kmsCall(
        SOURCE_ACCOUNT,
        'kms:Decrypt',
        `arn:aws:s3:::${SOURCE_BUCKET}/${OBJECT_KEY}`,
        SOURCE_REGION,
      ),
      identityPolicies: [kmsRolePolicy(sameKey)],
      resourcePolicy: keyPolicy(defaultKeyPolicy(SOURCE_ACCOUNT), SOURCE_KEY_ARN),
    });
    expect(result.allowed).toBe(true);
  });

  it('reports the identity policy when the key policy delegates to IAM but no identity policy allows', () => {
    const result = access({
      request: kmsCall(SOURCE_ACCOUNT),
      identityPolicies: [inline(seedRolePolicy())],
      resourcePolicy: keyPolicy(defaultKeyPolicy(SOURCE_ACCOUNT), sameKey),
    });
    expect(result.allowed).toBe(false);
    expect(result.failures).toEqual([{ layer: 'identity', kind: 'no-allow', policy: 'S3ReplicationPolicy' }]);
  });

  it('reports the key policy when it neither names the role nor delegates to the account, even though IAM allows', () => {
    const adminsOnly = keyPolicy(
      doc({
        Sid: 'KeyAdmins',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:role/KeyAdmin' },
        Action: 'kms:*',
        Resource: '*',
      }),
      sameKey,
    );
    const result = access({
      request: kmsCall(SOURCE_ACCOUNT),
      identityPolicies: [kmsRolePolicy(sameKey)],
      resourcePolicy: adminsOnly,
    });
    expect(result.allowed).toBe(false);
    expect(result.failures).toEqual([
      { layer: 'resource', kind: 'no-allow', policy: `key policy of ${sameKey}` },
    ]);
  });

  it('reports the key policy by the key ARN when none was supplied', () => {
    const result = access({ request: kmsCall(SOURCE_ACCOUNT), identityPolicies: [kmsRolePolicy(sameKey)] });
    expect(result.failures).toEqual([
      { layer: 'resource', kind: 'no-allow', policy: `key policy of ${sameKey}` },
    ]);
  });

  it('allows through a key policy that names the role, without an identity allow', () => {
    const result = access({
      request: kmsCall(SOURCE_ACCOUNT),
      resourcePolicy: keyPolicyForRole(SOURCE_ACCOUNT),
    });
    expect(result.allowed).toBe(true);
  });

  it('rejects an object outside the encryption-context pattern', () => {
    const result = access({
      request: kmsCall(SOURCE_ACCOUNT, 'kms:GenerateDataKey', 'arn:aws:s3:::some-other-bucket/x'),
      identityPolicies: [kmsRolePolicy(sameKey)],
      resourcePolicy: keyPolicy(defaultKeyPolicy(SOURCE_ACCOUNT), sameKey),
    });
    expect(result.failures).toEqual([{ layer: 'identity', kind: 'no-allow', policy: 'S3ReplicationPolicy' }]);
  });

  it('rejects the wrong kms:ViaService region', () => {
    const result = access({
      request: kmsCall(
        SOURCE_ACCOUNT,
        'kms:GenerateDataKey',
        `arn:aws:s3:::${DESTINATION_BUCKET}/x`,
        SOURCE_REGION,
      ),
      identityPolicies: [kmsRolePolicy(sameKey)],
      resourcePolicy: keyPolicy(defaultKeyPolicy(SOURCE_ACCOUNT), sameKey),
    });
    expect(result.allowed).toBe(false);
  });

  it('lets a key policy deny win over IAM and the account delegation', () => {
    const policy = keyPolicy(
      doc(...statements(defaultKeyPolicy(SOURCE_ACCOUNT)), {
        Sid: 'DenyOutsideS3',
        Effect: 'Deny',
        Principal: '*',
        Action: 'kms:*',
        Resource: '*',
        Condition: { StringNotLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
      }),
      sameKey,
    );
    const anyKmsUse = inline(doc({ Effect: 'Allow', Action: 'kms:*', Resource: sameKey }));
    const viaS3 = access({
      request: kmsCall(SOURCE_ACCOUNT),
      identityPolicies: [anyKmsUse],
      resourcePolicy: policy,
    });
    expect(viaS3.allowed).toBe(true);
    const direct = kmsCall(SOURCE_ACCOUNT);
    const { 'kms:ViaService': _removed, ...withoutVia } = direct.context;
    const result = access({
      request: { ...direct, context: withoutVia },
      identityPolicies: [anyKmsUse],
      resourcePolicy: policy,
    });
    expect(result.failures).toEqual([
      {
        layer: 'resource',
        kind: 'explicit-deny',
        statement: expect.objectContaining({ sid: 'DenyOutsideS3', kind: 'key' }),
      },
    ]);
  });
});

describe('S3 Bucket Keys', () => {
  const bucketContext = s3EncryptionContextArn({
    bucket: DESTINATION_BUCKET,
    key: OBJECT_KEY,
    bucketKeyEnabled: true,
  });

  it('uses the bucket ARN as encryption context, which an object-only pattern does not match', () => {
    expect(bucketContext).toBe(`arn:aws:s3:::${DESTINATION_BUCKET}`);
    const result = access({
      request: kmsCall(SOURCE_ACCOUNT, 'kms:GenerateDataKey', bucketContext),
      identityPolicies: [kmsRolePolicy(sameKey)],
      resourcePolicy: keyPolicy(defaultKeyPolicy(SOURCE_ACCOUNT), sameKey),
    });
    expect(result.allowed).toBe(false);
    expect(result.identity.missingContextKeys).toEqual([]);
  });

  it('allows when the role statement lists the bucket ARN as well', () => {
    const statement = replicaKeyRoleStatement(sameKey);
    const bucketAware = {
      ...statement,
      Condition: {
        StringLike: {
          'kms:ViaService': 's3.eu-west-1.amazonaws.com',
          'kms:EncryptionContext:aws:s3:arn': [
            `arn:aws:s3:::${DESTINATION_BUCKET}`,
            `arn:aws:s3:::${DESTINATION_BUCKET}/*`,
          ],
        },
      },
    };
    const result = access({
      request: kmsCall(SOURCE_ACCOUNT, 'kms:Decrypt', bucketContext),
      identityPolicies: [inline(doc(bucketAware))],
      resourcePolicy: keyPolicy(defaultKeyPolicy(SOURCE_ACCOUNT), sameKey),
    });
    expect(result.allowed).toBe(true);
  });
});

describe('cross-account KMS keys', () => {
  it('allows when the destination key policy names the role and the role policy allows', () => {
    const result = access({
      request: kmsCall(DESTINATION_ACCOUNT),
      identityPolicies: [kmsRolePolicy(crossKey)],
      resourcePolicy: keyPolicyForRole(DESTINATION_ACCOUNT),
    });
    expect(result).toMatchObject({ allowed: true, failures: [] });
  });

  it('reports the destination key policy when it only trusts its own account', () => {
    const result = access({
      request: kmsCall(DESTINATION_ACCOUNT),
      identityPolicies: [kmsRolePolicy(crossKey)],
      resourcePolicy: keyPolicy(defaultKeyPolicy(DESTINATION_ACCOUNT), crossKey),
    });
    expect(result.failures).toEqual([
      { layer: 'resource', kind: 'no-allow', policy: `key policy of ${crossKey}` },
    ]);
  });

  it('still needs the role policy when the key policy names the role', () => {
    const result = access({
      request: kmsCall(DESTINATION_ACCOUNT),
      identityPolicies: [inline(seedRolePolicy())],
      resourcePolicy: keyPolicyForRole(DESTINATION_ACCOUNT),
    });
    expect(result.failures).toEqual([{ layer: 'identity', kind: 'no-allow', policy: 'S3ReplicationPolicy' }]);
  });

  it('accepts a key policy that names the source account when the role policy allows', () => {
    const policy = keyPolicy(
      doc(...statements(defaultKeyPolicy(DESTINATION_ACCOUNT)), {
        Effect: 'Allow',
        Principal: { AWS: SOURCE_ACCOUNT },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
      }),
      crossKey,
    );
    const result = access({
      request: kmsCall(DESTINATION_ACCOUNT),
      identityPolicies: [kmsRolePolicy(crossKey)],
      resourcePolicy: policy,
    });
    expect(result.allowed).toBe(true);
  });

  it('reports both the key policy and the role policy when neither allows', () => {
    const result = access({
      request: kmsCall(DESTINATION_ACCOUNT),
      identityPolicies: [inline(seedRolePolicy())],
      resourcePolicy: keyPolicy(defaultKeyPolicy(DESTINATION_ACCOUNT), crossKey),
    });
    expect(result.failures.map((f) => f.layer)).toEqual(['identity', 'resource']);
  });
});

describe('KMS grants', () => {
  const adminsOnly = keyPolicy(defaultKeyPolicy(DESTINATION_ACCOUNT), crossKey);

  it('allows through a grant to the role even though the key policy does not name it', () => {
    const theGrant = grant();
    const result = access({
      request: kmsCall(DESTINATION_ACCOUNT),
      resourcePolicy: adminsOnly,
      grants: [theGrant],
    });
    expect(result.allowed).toBe(true);
    expect(result.grant).toBe(theGrant);
  });

  it('does not report a grant when the policies alone allow', () => {
    const result = access({
      request: kmsCall(DESTINATION_ACCOUNT),
      identityPolicies: [kmsRolePolicy(crossKey)],
      resourcePolicy: keyPolicyForRole(DESTINATION_ACCOUNT),
      grants: [grant()],
    });
    expect(result.allowed).toBe(true);
    expect(result.grant).toBeUndefined();
  });

  it('needs the operation in the grant: GenerateDataKey does not cover GenerateDataKeyWithoutPlaintext', () => {
    const base = { resourcePolicy: adminsOnly, grants: [grant({ Operations: ['GenerateDataKey'] })] };
    expect(access({ ...base, request: kmsCall(DESTINATION_ACCOUNT, 'kms:GenerateDataKey') }).allowed).toBe(
      true,
    );
    expect(
      access({ ...base, request: kmsCall(DESTINATION_ACCOUNT, 'kms:GenerateDataKeyWithoutPlaintext') })
        .allowed,
    ).toBe(false);
    expect(access({ ...base, request: kmsCall(DESTINATION_ACCOUNT, 'kms:Encrypt') }).failures).toContainEqual(
      {
        layer: 'resource',
        kind: 'no-allow',
        policy: `key policy of ${crossKey}`,
      },
    );
  });

  it('ignores a grant to another principal', () => {
    const result = access({
      request: kmsCall(DESTINATION_ACCOUNT),
      resourcePolicy: adminsOnly,
      grants: [grant({ GranteePrincipal: 'arn:aws:iam::123456789012:role/Other' })],
    });
    expect(result.allowed).toBe(false);
  });

  it('checks EncryptionContextSubset against the request encryption context', () => {
    const subset = (value: string) =>
      grant({ Constraints: { EncryptionContextSubset: { 'aws:s3:arn': value } } });
    expect(
      access({
        request: kmsCall(DESTINATION_ACCOUNT),
        resourcePolicy: adminsOnly,
        grants: [subset(`arn:aws:s3:::${DESTINATION_BUCKET}/${OBJECT_KEY}`)],
      }).allowed,
    ).toBe(true);
    expect(
      access({
        request: kmsCall(DESTINATION_ACCOUNT),
        resourcePolicy: adminsOnly,
        grants: [subset(`arn:aws:s3:::${DESTINATION_BUCKET}`)],
      }).allowed,
    ).toBe(false);
  });

  it('checks EncryptionContextEquals as an exact match of the whole context', () => {
    const objectArn = `arn:aws:s3:::${DESTINATION_BUCKET}/${OBJECT_KEY}`;
    const exact = grant({ Constraints: { EncryptionContextEquals: { 'aws:s3:arn': objectArn } } });
    const larger = grant({
      Constraints: { EncryptionContextEquals: { 'aws:s3:arn': objectArn, department: 'finance' } },
    });
    expect(
      access({ request: kmsCall(DESTINATION_ACCOUNT), resourcePolicy: adminsOnly, grants: [exact] }).allowed,
    ).toBe(true);
    expect(
      access({ request: kmsCall(DESTINATION_ACCOUNT), resourcePolicy: adminsOnly, grants: [larger] }).allowed,
    ).toBe(false);
  });

  it('lets a key policy deny win over a grant', () => {
    const denying = keyPolicy(
      doc(...statements(defaultKeyPolicy(DESTINATION_ACCOUNT)), {
        Sid: 'NoSourceAccount',
        Effect: 'Deny',
        Principal: { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:root` },
        Action: 'kms:*',
        Resource: '*',
      }),
      crossKey,
    );
    const result = access({
      request: kmsCall(DESTINATION_ACCOUNT),
      resourcePolicy: denying,
      grants: [grant()],
    });
    expect(result.allowed).toBe(false);
    expect(result.failures).toEqual([
      {
        layer: 'resource',
        kind: 'explicit-deny',
        statement: expect.objectContaining({ sid: 'NoSourceAccount' }),
      },
    ]);
  });

  it('lets an identity deny win over a grant', () => {
    const guard = inline(doc({ Sid: 'NoKms', Effect: 'Deny', Action: 'kms:*', Resource: '*' }), 'Guardrail');
    const result = access({
      request: kmsCall(DESTINATION_ACCOUNT),
      identityPolicies: [guard],
      resourcePolicy: adminsOnly,
      grants: [grant()],
    });
    expect(result.failures).toEqual([
      { layer: 'identity', kind: 'explicit-deny', statement: expect.objectContaining({ sid: 'NoKms' }) },
    ]);
  });

  it('matches a grant to a session of the role when the session is unknown, with a warning', () => {
    const result = access({
      request: kmsCall(DESTINATION_ACCOUNT),
      resourcePolicy: adminsOnly,
      grants: [grant({ GranteePrincipal: SESSION_ARN })],
    });
    expect(result.allowed).toBe(true);
    expect(result.warnings?.[0]).toContain('assumed');
  });

  it('does not match a grant to a different session when the session is known', () => {
    const request = { ...kmsCall(DESTINATION_ACCOUNT), principalSessionArn: `${SESSION_ARN}-other` };
    const result = access({
      request,
      resourcePolicy: adminsOnly,
      grants: [grant({ GranteePrincipal: SESSION_ARN })],
    });
    expect(result.allowed).toBe(false);
  });

  it('needs the identity policy for a grant to the role account', () => {
    const accountGrant = grant({ GranteePrincipal: `arn:aws:iam::${SOURCE_ACCOUNT}:root` });
    const without = access({
      request: kmsCall(DESTINATION_ACCOUNT),
      resourcePolicy: adminsOnly,
      grants: [accountGrant],
    });
    expect(without.failures).toEqual([
      { layer: 'identity', kind: 'no-allow', policy: 'an identity policy of S3ReplicationRole' },
    ]);
    const withIam = access({
      request: kmsCall(DESTINATION_ACCOUNT),
      identityPolicies: [kmsRolePolicy(crossKey)],
      resourcePolicy: adminsOnly,
      grants: [accountGrant],
    });
    expect(withIam).toMatchObject({ allowed: true, grant: accountGrant });
  });
});

describe('KMS and permissions boundaries', () => {
  const s3Only = () => boundaryPolicy(doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));

  it('reports the boundary when IAM and the key policy allow but the boundary omits KMS', () => {
    const result = access({
      request: kmsCall(DESTINATION_ACCOUNT),
      identityPolicies: [kmsRolePolicy(crossKey)],
      permissionsBoundary: s3Only(),
      resourcePolicy: keyPolicyForRole(DESTINATION_ACCOUNT),
    });
    expect(result.failures).toEqual([{ layer: 'boundary', kind: 'no-allow', policy: 'ReplicationBoundary' }]);
  });

  it('limits a same-account key policy that names the role ARN', () => {
    const result = access({
      request: kmsCall(SOURCE_ACCOUNT),
      permissionsBoundary: s3Only(),
      resourcePolicy: keyPolicyForRole(SOURCE_ACCOUNT),
    });
    expect(result.failures).toEqual([{ layer: 'boundary', kind: 'no-allow', policy: 'ReplicationBoundary' }]);
  });

  it('does not apply the boundary to a grant to the role', () => {
    const result = access({
      request: kmsCall(DESTINATION_ACCOUNT),
      permissionsBoundary: s3Only(),
      resourcePolicy: keyPolicy(defaultKeyPolicy(DESTINATION_ACCOUNT), crossKey),
      grants: [grant()],
    });
    expect(result.allowed).toBe(true);
  });
});
