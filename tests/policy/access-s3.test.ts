import { describe, expect, it } from 'vitest';
import { evaluateAccess } from '../../shared/policy/index.js';
import type { PolicyStatement } from '../../shared/policy/types.js';
import {
  boundaryPolicy,
  bucketPolicy,
  DESTINATION_ACCOUNT,
  DESTINATION_BUCKET,
  doc,
  inline,
  managed,
  ROLE_ARN,
  SESSION_ARN,
  SOURCE_ACCOUNT,
  SOURCE_BUCKET,
  s3Read,
  s3Write,
  seedDestinationBucketPolicy,
  seedRolePolicy,
  statements,
} from './fixtures.js';

const DEST_OBJECTS = `arn:aws:s3:::${DESTINATION_BUCKET}/*`;
const noReplicateStatements = () =>
  doc({
    Sid: 'SourceBucketReadAccess',
    Effect: 'Allow',
    Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
    Resource: `arn:aws:s3:::${SOURCE_BUCKET}`,
  });
const roleOnlyBucketPolicy = () =>
  bucketPolicy(
    doc({
      Effect: 'Allow',
      Principal: { AWS: ROLE_ARN },
      Action: 's3:ReplicateObject',
      Resource: DEST_OBJECTS,
    }),
  );
const accountOnlyBucketPolicy = (account: string) =>
  bucketPolicy(
    doc({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: 's3:ReplicateObject',
      Resource: DEST_OBJECTS,
    }),
  );
const replicateOnlyBoundary = () =>
  boundaryPolicy(doc({ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }));

describe('same-account S3 access', () => {
  const write = s3Write(SOURCE_ACCOUNT);

  it('allows the seed role by its identity policy alone', () => {
    const result = evaluateAccess({
      request: write,
      identityPolicies: [inline(seedRolePolicy())],
      resourceType: 's3',
    });
    expect(result).toMatchObject({ allowed: true, failures: [] });
  });

  it('reports the inline policy when no identity policy allows and there is no bucket policy', () => {
    const result = evaluateAccess({
      request: write,
      identityPolicies: [
        managed(doc({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }), 'ReadOnly'),
        inline(noReplicateStatements()),
      ],
      resourceType: 's3',
    });
    expect(result.allowed).toBe(false);
    expect(result.failures).toEqual([{ layer: 'identity', kind: 'no-allow', policy: 'S3ReplicationPolicy' }]);
  });

  it('names "an identity policy of the role" when the role has no inline policy', () => {
    const result = evaluateAccess({ request: write, identityPolicies: [], resourceType: 's3' });
    expect(result.failures).toEqual([
      { layer: 'identity', kind: 'no-allow', policy: 'an identity policy of S3ReplicationRole' },
    ]);
  });

  it('allows through a bucket policy that names the role, without any identity allow', () => {
    const result = evaluateAccess({
      request: write,
      identityPolicies: [inline(noReplicateStatements())],
      resourcePolicy: roleOnlyBucketPolicy(),
      resourceType: 's3',
    });
    expect(result.allowed).toBe(true);
    expect(result.resource?.decision).toBe('allow');
  });

  it('does not allow through a bucket policy that names only the account', () => {
    const result = evaluateAccess({
      request: write,
      identityPolicies: [inline(noReplicateStatements())],
      resourcePolicy: accountOnlyBucketPolicy(SOURCE_ACCOUNT),
      resourceType: 's3',
    });
    expect(result.allowed).toBe(false);
    expect(result.failures).toEqual([{ layer: 'identity', kind: 'no-allow', policy: 'S3ReplicationPolicy' }]);
  });

  it('reports a bucket policy deny even though the identity policy allows', () => {
    const policy = bucketPolicy(
      doc({
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${DESTINATION_BUCKET}`, DEST_OBJECTS],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
      DESTINATION_BUCKET,
    );
    const secure = evaluateAccess({
      request: write,
      identityPolicies: [inline(seedRolePolicy())],
      resourcePolicy: policy,
      resourceType: 's3',
    });
    expect(secure.allowed).toBe(true);
    const insecure = evaluateAccess({
      request: { ...write, context: { ...write.context, 'aws:SecureTransport': false } },
      identityPolicies: [inline(seedRolePolicy())],
      resourcePolicy: policy,
      resourceType: 's3',
    });
    expect(insecure.allowed).toBe(false);
    expect(insecure.failures).toEqual([
      {
        layer: 'resource',
        kind: 'explicit-deny',
        statement: expect.objectContaining({ sid: 'DenyInsecureTransport' }),
      },
    ]);
  });

  it('reports an identity deny of the source read', () => {
    const guard = managed(
      doc({
        Sid: 'NoReadsOfSource',
        Effect: 'Deny',
        Action: 's3:GetObject*',
        Resource: `arn:aws:s3:::${SOURCE_BUCKET}/*`,
      }),
      'arn:aws:iam::123456789012:policy/Guardrail',
    );
    const result = evaluateAccess({
      request: s3Read(),
      identityPolicies: [inline(seedRolePolicy()), guard],
      resourceType: 's3',
    });
    expect(result.allowed).toBe(false);
    expect(result.failures).toEqual([
      {
        layer: 'identity',
        kind: 'explicit-deny',
        statement: expect.objectContaining({ sid: 'NoReadsOfSource', kind: 'managed' }),
      },
    ]);
  });

  it('reports a source bucket policy that denies the replication read', () => {
    const sourcePolicy = bucketPolicy(
      doc({
        Sid: 'OnlyFromVpc',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:GetObject*',
        Resource: `arn:aws:s3:::${SOURCE_BUCKET}/*`,
        Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
      }),
      SOURCE_BUCKET,
    );
    const result = evaluateAccess({
      request: s3Read(),
      identityPolicies: [inline(seedRolePolicy())],
      resourcePolicy: sourcePolicy,
      resourceType: 's3',
    });
    expect(result.allowed).toBe(false);
    expect(result.failures[0]).toMatchObject({ layer: 'resource', kind: 'explicit-deny' });
    expect(result.resource?.missingContextKeys).toEqual(['aws:SourceVpce']);
  });
});

describe('cross-account S3 access', () => {
  const write = s3Write(DESTINATION_ACCOUNT);

  it('allows the seed role with the guide destination bucket policy', () => {
    const result = evaluateAccess({
      request: write,
      identityPolicies: [inline(seedRolePolicy())],
      resourcePolicy: bucketPolicy(seedDestinationBucketPolicy()),
      resourceType: 's3',
    });
    expect(result).toMatchObject({ allowed: true, failures: [] });
  });

  it('reports the destination bucket policy when it is missing', () => {
    const result = evaluateAccess({
      request: write,
      identityPolicies: [inline(seedRolePolicy())],
      resourceType: 's3',
    });
    expect(result.allowed).toBe(false);
    expect(result.failures).toEqual([
      { layer: 'resource', kind: 'no-allow', policy: `bucket policy of ${DESTINATION_BUCKET}` },
    ]);
  });

  it('reports the destination bucket policy when it names another principal', () => {
    const other = bucketPolicy(
      doc({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999999999999:root' },
        Action: 's3:Replicate*',
        Resource: DEST_OBJECTS,
      }),
    );
    const result = evaluateAccess({
      request: write,
      identityPolicies: [inline(seedRolePolicy())],
      resourcePolicy: other,
      resourceType: 's3',
    });
    expect(result.failures).toEqual([
      { layer: 'resource', kind: 'no-allow', policy: `bucket policy of ${DESTINATION_BUCKET}` },
    ]);
  });

  it('reports the role policy when the bucket policy allows but the role policy does not', () => {
    const result = evaluateAccess({
      request: write,
      identityPolicies: [inline(noReplicateStatements())],
      resourcePolicy: bucketPolicy(seedDestinationBucketPolicy()),
      resourceType: 's3',
    });
    expect(result.allowed).toBe(false);
    expect(result.failures).toEqual([{ layer: 'identity', kind: 'no-allow', policy: 'S3ReplicationPolicy' }]);
  });

  it('reports both sides when neither allows', () => {
    const result = evaluateAccess({
      request: write,
      identityPolicies: [inline(noReplicateStatements())],
      resourceType: 's3',
    });
    expect(result.failures.map((f) => f.layer)).toEqual(['identity', 'resource']);
  });

  it('accepts a destination bucket policy that names the source account (the older doc style)', () => {
    const result = evaluateAccess({
      request: write,
      identityPolicies: [inline(seedRolePolicy())],
      resourcePolicy: accountOnlyBucketPolicy(SOURCE_ACCOUNT),
      resourceType: 's3',
    });
    expect(result.allowed).toBe(true);
  });

  it('reports a destination-owner deny on s3:ReplicateTags', () => {
    const policy = bucketPolicy(
      doc(...statements(seedDestinationBucketPolicy()), {
        Sid: 'RefuseTags',
        Effect: 'Deny',
        Principal: { AWS: ROLE_ARN },
        Action: 's3:ReplicateTags',
        Resource: DEST_OBJECTS,
      }),
    );
    const result = evaluateAccess({
      request: s3Write(DESTINATION_ACCOUNT, { action: 's3:ReplicateTags' }),
      identityPolicies: [inline(seedRolePolicy())],
      resourcePolicy: policy,
      resourceType: 's3',
    });
    expect(result.allowed).toBe(false);
    expect(result.failures).toEqual([
      { layer: 'resource', kind: 'explicit-deny', statement: expect.objectContaining({ sid: 'RefuseTags' }) },
    ]);
  });

  it('checks encryption headers with StringLikeIfExists only when the write carries them', () => {
    const policy = bucketPolicy(
      doc({
        Effect: 'Allow',
        Principal: { AWS: ROLE_ARN },
        Action: 's3:ReplicateObject',
        Resource: DEST_OBJECTS,
        Condition: {
          StringLikeIfExists: {
            's3:x-amz-server-side-encryption': ['aws:kms', 'AES256'],
            's3:x-amz-server-side-encryption-aws-kms-key-id': ['arn:aws:kms:eu-west-1:444455556666:key/*'],
          },
        },
      }),
    );
    const base = {
      identityPolicies: [inline(seedRolePolicy())],
      resourcePolicy: policy,
      resourceType: 's3' as const,
    };
    expect(evaluateAccess({ ...base, request: write }).allowed).toBe(true);
    const rightKey = s3Write(
      DESTINATION_ACCOUNT,
      {},
      {
        serverSideEncryption: 'aws:kms',
        kmsKeyId: 'arn:aws:kms:eu-west-1:444455556666:key/9f8e7d6c',
      },
    );
    expect(evaluateAccess({ ...base, request: rightKey }).allowed).toBe(true);
    const wrongKey = s3Write(
      DESTINATION_ACCOUNT,
      {},
      {
        serverSideEncryption: 'aws:kms',
        kmsKeyId: 'arn:aws:kms:eu-west-1:777788889999:key/other',
      },
    );
    expect(evaluateAccess({ ...base, request: wrongKey }).failures).toEqual([
      { layer: 'resource', kind: 'no-allow', policy: `bucket policy of ${DESTINATION_BUCKET}` },
    ]);
  });
});

describe('permissions boundaries', () => {
  it('reports the boundary when the identity policy allows but the boundary does not', () => {
    const result = evaluateAccess({
      request: s3Write(SOURCE_ACCOUNT),
      identityPolicies: [inline(seedRolePolicy())],
      permissionsBoundary: replicateOnlyBoundary(),
      resourceType: 's3',
    });
    expect(result.allowed).toBe(false);
    expect(result.failures).toEqual([{ layer: 'boundary', kind: 'no-allow', policy: 'ReplicationBoundary' }]);
    expect(result.boundary?.decision).toBe('implicit-deny');
  });

  it('allows when both the identity policy and the boundary allow', () => {
    const boundary = boundaryPolicy(doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));
    const result = evaluateAccess({
      request: s3Write(SOURCE_ACCOUNT),
      identityPolicies: [inline(seedRolePolicy())],
      permissionsBoundary: boundary,
      resourceType: 's3',
    });
    expect(result.allowed).toBe(true);
  });

  it('reports a boundary deny', () => {
    const boundary = boundaryPolicy(
      doc(
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Sid: 'NoCrossRegionWrites', Effect: 'Deny', Action: 's3:Replicate*', Resource: '*' },
      ),
    );
    const result = evaluateAccess({
      request: s3Write(SOURCE_ACCOUNT),
      identityPolicies: [inline(seedRolePolicy())],
      permissionsBoundary: boundary,
      resourceType: 's3',
    });
    expect(result.failures).toEqual([
      {
        layer: 'boundary',
        kind: 'explicit-deny',
        statement: expect.objectContaining({ sid: 'NoCrossRegionWrites', kind: 'boundary' }),
      },
    ]);
  });

  it('limits a same-account bucket policy that names the role ARN', () => {
    const result = evaluateAccess({
      request: s3Write(SOURCE_ACCOUNT),
      identityPolicies: [],
      permissionsBoundary: replicateOnlyBoundary(),
      resourcePolicy: roleOnlyBucketPolicy(),
      resourceType: 's3',
    });
    expect(result.allowed).toBe(false);
    expect(result.failures).toEqual([{ layer: 'boundary', kind: 'no-allow', policy: 'ReplicationBoundary' }]);
  });

  it('does not limit a same-account bucket policy that names the role session ARN', () => {
    const sessionPolicy = bucketPolicy(
      doc({
        Effect: 'Allow',
        Principal: { AWS: SESSION_ARN },
        Action: 's3:ReplicateObject',
        Resource: DEST_OBJECTS,
      }),
    );
    const result = evaluateAccess({
      request: s3Write(SOURCE_ACCOUNT, { principalSessionArn: SESSION_ARN }),
      identityPolicies: [],
      permissionsBoundary: replicateOnlyBoundary(),
      resourcePolicy: sessionPolicy,
      resourceType: 's3',
    });
    expect(result.allowed).toBe(true);
  });

  it('reports identity and boundary together when neither allows', () => {
    const result = evaluateAccess({
      request: s3Write(SOURCE_ACCOUNT),
      identityPolicies: [inline(noReplicateStatements())],
      permissionsBoundary: replicateOnlyBoundary(),
      resourceType: 's3',
    });
    expect(result.failures.map((f) => `${f.layer}:${f.kind}`)).toEqual([
      'identity:no-allow',
      'boundary:no-allow',
    ]);
  });

  it('blocks cross-account access when the boundary does not allow, even with both policies allowing', () => {
    const result = evaluateAccess({
      request: s3Write(DESTINATION_ACCOUNT),
      identityPolicies: [inline(seedRolePolicy())],
      permissionsBoundary: replicateOnlyBoundary(),
      resourcePolicy: bucketPolicy(seedDestinationBucketPolicy()),
      resourceType: 's3',
    });
    expect(result.failures).toEqual([{ layer: 'boundary', kind: 'no-allow', policy: 'ReplicationBoundary' }]);
  });
});

describe('warnings in access results', () => {
  it('collects the warnings of every layer', () => {
    const result = evaluateAccess({
      request: s3Write(DESTINATION_ACCOUNT),
      identityPolicies: [
        inline(
          doc(...statements(seedRolePolicy()), {
            Action: 's3:*',
            Resource: '*',
          } as unknown as PolicyStatement),
        ),
      ],
      resourcePolicy: bucketPolicy(
        doc(...statements(seedDestinationBucketPolicy()), {
          Effect: 'Allow',
          Action: '*',
        } as unknown as PolicyStatement),
      ),
      resourceType: 's3',
    });
    expect(result.allowed).toBe(true);
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings?.[0]).toContain('S3ReplicationPolicy statement 3');
    expect(result.warnings?.[1]).toContain(`bucket policy of ${DESTINATION_BUCKET} statement 1`);
  });
});
