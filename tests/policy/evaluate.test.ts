// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${aws:…}` here is IAM policy-variable syntax, not a template.
import { describe, expect, it } from 'vitest';
import { evaluatePolicies } from '../../shared/policy/index.js';
import type { PolicyStatement } from '../../shared/policy/types.js';
import {
  bucketPolicy,
  DESTINATION_ACCOUNT,
  DESTINATION_BUCKET,
  doc,
  inline,
  managed,
  ROLE_ARN,
  SESSION_ARN,
  SOURCE_ACCOUNT,
  s3Read,
  s3Write,
  seedDestinationBucketPolicy,
  seedRolePolicy,
} from './fixtures.js';

const DEST_OBJECTS = `arn:aws:s3:::${DESTINATION_BUCKET}/*`;

describe('identity policies', () => {
  it('allows the seed role to replicate into the destination bucket', () => {
    // Prepare
    const policies = [inline(seedRolePolicy())];
    // Act
    const result = evaluatePolicies(policies, s3Write(DESTINATION_ACCOUNT));
    // Assess
    expect(result.decision).toBe('allow');
    expect(result.allows.map((s) => s.sid)).toEqual(['DestinationBucketWriteAccess']);
    expect(result.allows[0]).toMatchObject({ policy: 'S3ReplicationPolicy', kind: 'inline', index: 2 });
  });

  it('implicitly denies an action no statement lists', () => {
    const result = evaluatePolicies(
      [inline(seedRolePolicy())],
      s3Write(DESTINATION_ACCOUNT, { action: 's3:PutObjectRetention' }),
    );
    expect(result).toMatchObject({ decision: 'implicit-deny', allows: [], denies: [] });
  });

  it('lets an explicit deny in one policy win over an allow in another', () => {
    const deny = managed(
      doc({ Sid: 'NoReplicationToDr', Effect: 'Deny', Action: 's3:Replicate*', Resource: DEST_OBJECTS }),
      'arn:aws:iam::123456789012:policy/Guardrail',
    );
    const result = evaluatePolicies([inline(seedRolePolicy()), deny], s3Write(DESTINATION_ACCOUNT));
    expect(result.decision).toBe('explicit-deny');
    expect(result.denies[0]).toMatchObject({ sid: 'NoReplicationToDr', kind: 'managed', index: 0 });
    expect(result.allows).toHaveLength(1);
  });

  it('accepts Statement, Action and Resource written as single values', () => {
    const policy = inline({
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: 's3:ReplicateObject', Resource: DEST_OBJECTS },
    });
    expect(evaluatePolicies([policy], s3Write(DESTINATION_ACCOUNT)).decision).toBe('allow');
  });

  it('applies NotAction to every action except those listed', () => {
    const policy = inline(doc({ Effect: 'Allow', NotAction: ['s3:Delete*', 'iam:*'], Resource: '*' }));
    expect(evaluatePolicies([policy], s3Write(DESTINATION_ACCOUNT)).decision).toBe('allow');
    expect(
      evaluatePolicies([policy], s3Write(DESTINATION_ACCOUNT, { action: 's3:DeleteObject' })).decision,
    ).toBe('implicit-deny');
  });

  it('applies NotResource to every resource except those listed', () => {
    const deny = inline(
      doc({ Effect: 'Deny', Action: 's3:*', NotResource: [`arn:aws:s3:::${DESTINATION_BUCKET}/*`] }),
    );
    const allow = inline(doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }), 'Everything');
    expect(evaluatePolicies([deny, allow], s3Write(DESTINATION_ACCOUNT)).decision).toBe('allow');
    expect(evaluatePolicies([deny, allow], s3Read()).decision).toBe('explicit-deny');
  });

  it('does not apply an allow whose condition fails, and reports keys the context lacked', () => {
    const policy = inline(
      doc({
        Effect: 'Allow',
        Action: 's3:ReplicateObject',
        Resource: DEST_OBJECTS,
        Condition: { StringEquals: { 'aws:SourceAccount': SOURCE_ACCOUNT } },
      }),
    );
    const result = evaluatePolicies([policy], s3Write(DESTINATION_ACCOUNT));
    expect(result.decision).toBe('implicit-deny');
    expect(result.missingContextKeys).toEqual(['aws:SourceAccount']);
  });

  it('reports missing keys only for statements whose action and resource match', () => {
    const policy = inline(
      doc({
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: DEST_OBJECTS,
        Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } },
      }),
    );
    expect(evaluatePolicies([policy], s3Write(DESTINATION_ACCOUNT)).missingContextKeys).toEqual([]);
  });

  it('resolves policy variables only in the 2012-10-17 policy language', () => {
    const statement: PolicyStatement = {
      Effect: 'Allow',
      Action: 's3:GetObjectVersionForReplication',
      Resource: 'arn:aws:s3:::my-source-bucket-use1/*',
      Condition: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } },
    };
    const modern = inline({ Version: '2012-10-17', Statement: [statement] });
    const legacy = inline({ Version: '2008-10-17', Statement: [statement] });
    expect(evaluatePolicies([modern], s3Read()).decision).toBe('allow');
    expect(evaluatePolicies([legacy], s3Read()).decision).toBe('implicit-deny');
  });
});

describe('resource policies', () => {
  const write = s3Write(DESTINATION_ACCOUNT);

  it('matches a statement that names the role ARN', () => {
    const result = evaluatePolicies([bucketPolicy(seedDestinationBucketPolicy())], write, {
      resourcePolicy: true,
    });
    expect(result.decision).toBe('allow');
    expect(result.allows[0]?.sid).toBe('AllowCrossAccountReplication');
  });

  it('does not match a statement that names another role', () => {
    const policy = bucketPolicy(
      doc({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:role/SomeOtherRole' },
        Action: 's3:ReplicateObject',
        Resource: DEST_OBJECTS,
      }),
    );
    expect(evaluatePolicies([policy], write, { resourcePolicy: true }).decision).toBe('implicit-deny');
  });

  it.each([
    ['"*"', '*' as const],
    ['{"AWS":"*"}', { AWS: '*' }],
    ['the account root ARN', { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:root` }],
    ['the bare account id', { AWS: SOURCE_ACCOUNT }],
    ['a list including the role', { AWS: ['arn:aws:iam::999999999999:root', ROLE_ARN] }],
  ])('matches a statement whose Principal is %s', (_label, principal) => {
    const policy = bucketPolicy(
      doc({ Effect: 'Allow', Principal: principal, Action: 's3:ReplicateObject', Resource: DEST_OBJECTS }),
    );
    expect(evaluatePolicies([policy], write, { resourcePolicy: true }).decision).toBe('allow');
  });

  it('matches a statement naming the assumed-role session only when the request says it is that session', () => {
    const policy = bucketPolicy(
      doc({
        Effect: 'Allow',
        Principal: { AWS: SESSION_ARN },
        Action: 's3:ReplicateObject',
        Resource: DEST_OBJECTS,
      }),
    );
    expect(evaluatePolicies([policy], write, { resourcePolicy: true }).decision).toBe('implicit-deny');
    expect(
      evaluatePolicies([policy], { ...write, principalSessionArn: SESSION_ARN }, { resourcePolicy: true })
        .decision,
    ).toBe('allow');
  });

  it('treats a statement without Resource as applying to the resource the policy is attached to', () => {
    const policy = bucketPolicy(
      doc({ Effect: 'Allow', Principal: { AWS: ROLE_ARN }, Action: 's3:ReplicateObject' }),
    );
    expect(evaluatePolicies([policy], write, { resourcePolicy: true }).decision).toBe('allow');
  });

  it('infers resource-policy evaluation from the policy kind when no option is given', () => {
    expect(evaluatePolicies([bucketPolicy(seedDestinationBucketPolicy())], write).decision).toBe('allow');
  });

  it('denies everyone but the listed principals with Deny + NotPrincipal', () => {
    const policy = (listed: string[]) =>
      bucketPolicy(
        doc({ Effect: 'Deny', NotPrincipal: { AWS: listed }, Action: 's3:*', Resource: DEST_OBJECTS }),
      );
    const exempt = evaluatePolicies([policy([ROLE_ARN, `arn:aws:iam::${SOURCE_ACCOUNT}:root`])], write);
    expect(exempt.decision).toBe('implicit-deny');
    const denied = evaluatePolicies(
      [policy(['arn:aws:iam::123456789012:role/Admin', 'arn:aws:iam::123456789012:root'])],
      write,
    );
    expect(denied.decision).toBe('explicit-deny');
  });

  it('still denies the role when NotPrincipal lists the role but not its account, with a warning', () => {
    const policy = bucketPolicy(
      doc({ Effect: 'Deny', NotPrincipal: { AWS: ROLE_ARN }, Action: 's3:*', Resource: DEST_OBJECTS }),
    );
    const result = evaluatePolicies([policy], write);
    expect(result.decision).toBe('explicit-deny');
    expect(result.warnings?.join('\n')).toContain('only in part');
  });

  it('always denies a principal with a permissions boundary under Deny + NotPrincipal, as AWS documents', () => {
    const policy = bucketPolicy(
      doc({
        Effect: 'Deny',
        NotPrincipal: { AWS: [ROLE_ARN, `arn:aws:iam::${SOURCE_ACCOUNT}:root`] },
        Action: 's3:*',
        Resource: DEST_OBJECTS,
      }),
    );
    expect(evaluatePolicies([policy], write, { principalHasBoundary: true }).decision).toBe('explicit-deny');
  });

  it('grants everyone not listed with Allow + NotPrincipal', () => {
    const policy = (listed: string) =>
      bucketPolicy(
        doc({
          Effect: 'Allow',
          NotPrincipal: { AWS: listed },
          Action: 's3:ReplicateObject',
          Resource: DEST_OBJECTS,
        }),
      );
    expect(evaluatePolicies([policy('arn:aws:iam::999999999999:root')], write).decision).toBe('allow');
    expect(evaluatePolicies([policy(ROLE_ARN)], write).decision).toBe('implicit-deny');
  });
});

describe('malformed policies', () => {
  const write = s3Write(DESTINATION_ACCOUNT);

  it.each([
    ['no Effect', { Action: 's3:ReplicateObject', Resource: '*' }],
    ['a misspelt Effect', { Effect: 'allow', Action: 's3:ReplicateObject', Resource: '*' }],
    ['both Action and NotAction', { Effect: 'Allow', Action: 's3:*', NotAction: 's3:Get*', Resource: '*' }],
    ['no Resource in an identity policy', { Effect: 'Allow', Action: 's3:ReplicateObject' }],
    [
      'a Principal in an identity policy',
      { Effect: 'Allow', Principal: '*', Action: 's3:ReplicateObject', Resource: '*' },
    ],
    ['a numeric Action', { Effect: 'Allow', Action: 42, Resource: '*' }],
    [
      'an unknown condition operator',
      {
        Effect: 'Allow',
        Action: 's3:ReplicateObject',
        Resource: '*',
        Condition: { StringMaybe: { 'aws:SecureTransport': 'true' } },
      },
    ],
  ])('ignores a statement with %s and reports it as a warning', (_label, statement) => {
    const policy = inline(doc(statement as unknown as PolicyStatement));
    const result = evaluatePolicies([policy], write);
    expect(result.decision).toBe('implicit-deny');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings?.[0]).toContain('S3ReplicationPolicy statement 0');
  });

  it('ignores a Deny with an unknown operator rather than letting it deny', () => {
    const policy = inline(
      doc(
        { Effect: 'Allow', Action: 's3:ReplicateObject', Resource: '*' },
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { BoolMaybe: { 'aws:SecureTransport': 'true' } },
        },
      ),
    );
    expect(evaluatePolicies([policy], write).decision).toBe('allow');
  });

  it('requires Principal or NotPrincipal in a resource policy statement', () => {
    const policy = bucketPolicy(
      doc({ Effect: 'Allow', Action: 's3:ReplicateObject', Resource: DEST_OBJECTS }),
    );
    const result = evaluatePolicies([policy], write);
    expect(result.decision).toBe('implicit-deny');
    expect(result.warnings?.[0]).toContain('Principal');
  });

  it('survives documents with no statements or statements that are not objects', () => {
    const broken = [
      inline({ Statement: undefined } as unknown as ReturnType<typeof doc>, 'Empty'),
      inline({ Statement: ['nonsense', null] } as unknown as ReturnType<typeof doc>, 'Garbage'),
      inline(null as unknown as ReturnType<typeof doc>, 'Null'),
    ];
    const result = evaluatePolicies(broken, write);
    expect(result.decision).toBe('implicit-deny');
    expect(result.warnings).toHaveLength(4);
  });
});

describe('large policies', () => {
  it('evaluates a 10,000-statement policy and finds the one statement that allows', () => {
    const statements: PolicyStatement[] = Array.from({ length: 9_999 }, (_, i) => ({
      Sid: `Unrelated${i}`,
      Effect: 'Allow',
      Action: ['s3:GetObject', `s3:Get*Tagging${i}*`],
      Resource: `arn:aws:s3:::bucket-${i}/*${'a*'.repeat(10)}`,
      Condition: { StringLike: { 'aws:PrincipalArn': `arn:aws:iam::*:role/team-${i}-*` } },
    }));
    statements.push({ Sid: 'TheOne', Effect: 'Allow', Action: 's3:Replicate*', Resource: DEST_OBJECTS });
    const result = evaluatePolicies([inline(doc(...statements))], s3Write(DESTINATION_ACCOUNT));
    expect(result.decision).toBe('allow');
    expect(result.allows.map((s) => s.index)).toEqual([9_999]);
  });

  it('evaluates a 10,000-statement policy in which every statement applies', () => {
    const statements: PolicyStatement[] = Array.from({ length: 10_000 }, (_, i) => ({
      Sid: `S${i}`,
      Effect: i === 5_000 ? 'Deny' : 'Allow',
      Action: '*',
      Resource: `arn:aws:s3:::${'*'.repeat(1 + (i % 5))}`,
      Condition: { Bool: { 'aws:SecureTransport': 'true' } },
    }));
    const result = evaluatePolicies([inline(doc(...statements))], s3Write(DESTINATION_ACCOUNT));
    expect(result.decision).toBe('explicit-deny');
    expect(result.allows).toHaveLength(9_999);
    expect(result.denies.map((s) => s.sid)).toEqual(['S5000']);
  });
});
