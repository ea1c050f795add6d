import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccessInput } from '../../shared/policy/api.js';
import { evaluateAccess, evaluatePolicies } from '../../shared/policy/index.js';
import type {
  ConditionBlock,
  KmsGrant,
  NamedPolicy,
  PolicyStatement,
  PrincipalValue,
} from '../../shared/policy/types.js';
import {
  boundaryPolicy,
  bucketPolicy,
  DESTINATION_ACCOUNT,
  DESTINATION_BUCKET,
  doc,
  grant,
  inline,
  keyPolicy,
  kmsCall,
  ROLE_ARN,
  replicaKeyArn,
  SOURCE_ACCOUNT,
  s3Write,
} from './fixtures.js';

const DEST_OBJECTS = `arn:aws:s3:::${DESTINATION_BUCKET}/*`;

const actionArb = fc.constantFrom(
  's3:ReplicateObject',
  's3:ReplicateDelete',
  's3:Replicate*',
  'S3:REPLICATEOBJECT',
  's3:*',
  '*',
  's3:GetObject*',
  'kms:*',
  'kms:GenerateDataKey*',
  'kms:Encrypt',
);
const resourceArb = fc.constantFrom(
  '*',
  DEST_OBJECTS,
  `arn:aws:s3:::${DESTINATION_BUCKET}`,
  'arn:aws:s3:::other-bucket/*',
  'arn:aws:s3:::my-destination-*/finance/*',
  'arn:aws:kms:*:*:key/*',
);
const principalArb = fc.constantFrom<PrincipalValue>(
  '*',
  { AWS: '*' },
  { AWS: ROLE_ARN },
  { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:root` },
  { AWS: SOURCE_ACCOUNT },
  { AWS: `arn:aws:iam::${DESTINATION_ACCOUNT}:root` },
  { AWS: 'arn:aws:iam::123456789012:role/Other' },
);
const conditionArb = fc.option(
  fc.constantFrom<ConditionBlock>(
    { Bool: { 'aws:SecureTransport': 'true' } },
    { Bool: { 'aws:SecureTransport': 'false' } },
    { StringEquals: { 'aws:PrincipalAccount': SOURCE_ACCOUNT } },
    { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
    { StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } },
    { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/S3*' } },
    { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
  ),
  { nil: undefined },
);

function statementArb(resourcePolicy: boolean, effect?: 'Allow' | 'Deny'): fc.Arbitrary<PolicyStatement> {
  return fc
    .record({
      Effect: effect ? fc.constant(effect) : fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny'),
      notAction: fc.boolean(),
      actions: fc.array(actionArb, { minLength: 1, maxLength: 3 }),
      Resource: resourceArb,
      principal: principalArb,
      notPrincipal: fc.integer({ min: 0, max: 9 }),
      Condition: conditionArb,
    })
    .map(({ Effect, notAction, actions, Resource, principal, notPrincipal, Condition }) => {
      const statement: PolicyStatement = { Effect, Resource };
      // NotAction and NotPrincipal are rare in real policies; keep them rare here too.
      if (notAction && actions.length === 1 && actions[0] !== '*') statement.NotAction = actions;
      else statement.Action = actions;
      if (resourcePolicy) {
        if (notPrincipal === 0 && principal !== '*') statement.NotPrincipal = principal;
        else statement.Principal = principal;
      }
      if (Condition) statement.Condition = Condition;
      return statement;
    });
}

const statementsArb = (resourcePolicy: boolean, max = 4) =>
  fc.array(statementArb(resourcePolicy), { maxLength: max });

const grantArb: fc.Arbitrary<KmsGrant> = fc
  .record({
    grantee: fc.constantFrom(
      ROLE_ARN,
      `arn:aws:iam::${SOURCE_ACCOUNT}:root`,
      'arn:aws:iam::123456789012:role/Other',
    ),
    operations: fc.subarray(['Encrypt', 'Decrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext'], {
      minLength: 1,
    }),
  })
  .map(({ grantee, operations }) => grant({ GranteePrincipal: grantee, Operations: operations }));

interface Scenario {
  input: AccessInput;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    kms: fc.boolean(),
    sameAccount: fc.boolean(),
    action: fc.constantFrom('s3:ReplicateObject', 's3:ReplicateTags'),
    kmsAction: fc.constantFrom('kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt'),
    identity: fc.array(statementsArb(false), { maxLength: 3 }),
    boundary: fc.option(statementsArb(false), { nil: undefined }),
    resource: fc.option(statementsArb(true), { nil: undefined }),
    grants: fc.array(grantArb, { maxLength: 2 }),
  })
  .map(({ kms, sameAccount, action, kmsAction, identity, boundary, resource, grants }) => {
    const account = sameAccount ? SOURCE_ACCOUNT : DESTINATION_ACCOUNT;
    const request = kms ? kmsCall(account, kmsAction) : s3Write(account, { action });
    const input: AccessInput = {
      request,
      identityPolicies: identity.map((s, i) => inline(doc(...s), `RolePolicy${i}`)),
      resourceType: kms ? 'kms' : 's3',
      ...(boundary ? { permissionsBoundary: boundaryPolicy(doc(...boundary)) } : {}),
      ...(resource
        ? {
            resourcePolicy: kms
              ? keyPolicy(doc(...resource), replicaKeyArn(account))
              : bucketPolicy(doc(...resource)),
          }
        : {}),
      ...(kms ? { grants } : {}),
    };
    return { input };
  });

type Layer = 'identity' | 'boundary' | 'resource';

function withStatement(input: AccessInput, layer: Layer, statement: PolicyStatement): AccessInput {
  const append = (policy: NamedPolicy | undefined, make: () => NamedPolicy): NamedPolicy => {
    if (!policy) return { ...make(), document: doc(statement) };
    const existing = policy.document.Statement;
    return { ...policy, document: doc(...(Array.isArray(existing) ? existing : [existing]), statement) };
  };
  switch (layer) {
    case 'identity':
      return { ...input, identityPolicies: [...input.identityPolicies, inline(doc(statement), 'Added')] };
    case 'boundary':
      return {
        ...input,
        permissionsBoundary: append(input.permissionsBoundary, () => boundaryPolicy(doc())),
      };
    case 'resource':
      return {
        ...input,
        resourcePolicy: append(input.resourcePolicy, () =>
          input.resourceType === 'kms' ? keyPolicy(doc(), input.request.resource) : bucketPolicy(doc()),
        ),
      };
    default: {
      const unreachable: never = layer;
      return unreachable;
    }
  }
}

const RUNS = { numRuns: 400 };

describe('policy evaluation properties', () => {
  it('an explicit deny always wins', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.constantFrom<Layer>('identity', 'boundary', 'resource'),
        ({ input }, layer) => {
          const deny: PolicyStatement = {
            Sid: 'AddedDeny',
            Effect: 'Deny',
            Action: input.request.action,
            Resource: '*',
            ...(layer === 'resource' ? { Principal: { AWS: ROLE_ARN } } : {}),
          };
          const result = evaluateAccess(withStatement(input, layer, deny));
          expect(result.allowed).toBe(false);
          expect(result.failures).toContainEqual(expect.objectContaining({ layer, kind: 'explicit-deny' }));
          expect(result[layer]?.denies.map((s) => s.sid)).toContain('AddedDeny');
        },
      ),
      RUNS,
    );
  });

  it('adding an allow statement never removes access', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.constantFrom<Layer>('identity', 'boundary', 'resource'),
        statementArb(false, 'Allow'),
        principalArb,
        fc.option(grantArb, { nil: undefined }),
        ({ input }, layer, added, principal, extraGrant) => {
          const before = evaluateAccess(input);
          fc.pre(before.allowed);
          // A boundary the role does not have would be a new restriction, not an added allow.
          fc.pre(layer !== 'boundary' || input.permissionsBoundary !== undefined);
          const statement = layer === 'resource' ? { ...added, Principal: principal } : added;
          const widened = withStatement(input, layer, statement);
          const withGrant =
            extraGrant && input.grants ? { ...widened, grants: [...input.grants, extraGrant] } : widened;
          expect(evaluateAccess(withGrant).allowed).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('cross-account needs both sides', () => {
    fc.assert(
      fc.property(scenarioArb, ({ input }) => {
        fc.pre(input.request.principalAccount !== input.request.resourceAccount);
        const noGrants = { ...input, grants: [] };
        const result = evaluateAccess(noGrants);
        const identity = evaluatePolicies(noGrants.identityPolicies, noGrants.request);
        const resource = noGrants.resourcePolicy
          ? evaluatePolicies([noGrants.resourcePolicy], noGrants.request)
          : undefined;
        if (result.allowed) {
          expect(identity.decision).toBe('allow');
          expect(resource?.decision).toBe('allow');
        }
        const { resourcePolicy: _dropped, ...withoutResourcePolicy } = noGrants;
        expect(evaluateAccess(withoutResourcePolicy).allowed).toBe(false);
        expect(evaluateAccess({ ...noGrants, identityPolicies: [] }).allowed).toBe(false);
      }),
      RUNS,
    );
  });

  it('names at least one failing layer exactly when access is denied', () => {
    fc.assert(
      fc.property(scenarioArb, ({ input }) => {
        const result = evaluateAccess(input);
        expect(result.failures.length === 0).toBe(result.allowed);
      }),
      RUNS,
    );
  });
});
