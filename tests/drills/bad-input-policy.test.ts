/**
 * Bad input for the policy evaluator, beyond `tests/policy/properties.test.ts` (which covers an added
 * deny in the identity, boundary and resource layers, an added allow, and cross-account both sides):
 * a deny beats a KMS grant (the key layer), a deny wins in every spelling, malformed policies never throw
 * and never grant, and the decision does not depend on statement order or how statements are split.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccessInput } from '../../shared/policy/api.js';
import { evaluateAccess } from '../../shared/policy/index.js';
import type { NamedPolicy, PolicyStatement } from '../../shared/policy/types.js';
import {
  boundaryPolicy,
  DESTINATION_ACCOUNT,
  defaultKeyPolicy,
  doc,
  grant,
  inline,
  keyPolicy,
  kmsCall,
  ROLE_ARN,
  replicaKeyArn,
  SOURCE_ACCOUNT,
  s3Write,
  seedRolePolicy,
  statements,
} from '../policy/fixtures.js';

const RUNS = { numRuns: 300 };

const kmsActionArb = fc.constantFrom(
  ['kms:GenerateDataKey', 'GenerateDataKey'],
  ['kms:Encrypt', 'Encrypt'],
  ['kms:Decrypt', 'Decrypt'],
);

/** Every way a policy may write a deny that covers `action` on `resource`. */
function denySpellings(action: string, resource: string): PolicyStatement[] {
  const service = action.split(':')[0] ?? '';
  return [
    { Effect: 'Deny', Action: action, Resource: resource },
    { Effect: 'Deny', Action: action.toUpperCase(), Resource: '*' },
    { Effect: 'Deny', Action: '*', Resource: '*' },
    { Effect: 'Deny', Action: `${service}:*`, Resource: resource },
    {
      Effect: 'Deny',
      Action: [`${service}:${'?'.repeat(action.length - service.length - 1)}`],
      Resource: '*',
    },
    { Effect: 'Deny', NotAction: 'iam:*', Resource: '*' },
    { Effect: 'Deny', Action: action, NotResource: 'arn:aws:s3:::some-other-bucket/*' },
    { Effect: 'Deny', Action: [action, 'ec2:RunInstances'], Resource: [resource, 'arn:aws:s3:::x/*'] },
  ];
}

type Layer = 'identity' | 'boundary' | 'resource';

function addDeny(input: AccessInput, layer: Layer, deny: PolicyStatement): AccessInput {
  const withSid = { Sid: 'AddedDeny', ...deny };
  const extend = (policy: NamedPolicy): NamedPolicy => ({
    ...policy,
    document: doc(...statements(policy.document), withSid),
  });
  switch (layer) {
    case 'identity':
      return { ...input, identityPolicies: [...input.identityPolicies, inline(doc(withSid), 'Added')] };
    case 'boundary':
      return {
        ...input,
        permissionsBoundary: extend(
          input.permissionsBoundary ?? boundaryPolicy(doc({ Effect: 'Allow', Action: '*', Resource: '*' })),
        ),
      };
    case 'resource':
      return {
        ...input,
        resourcePolicy: extend(input.resourcePolicy ?? keyPolicy(doc(), input.request.resource)),
      };
    default: {
      const unreachable: never = layer;
      return unreachable;
    }
  }
}

function withPrincipal(layer: Layer, deny: PolicyStatement): PolicyStatement {
  return layer === 'resource' ? { ...deny, Principal: { AWS: ROLE_ARN } } : deny;
}

describe('policy evaluation under bad input (properties)', () => {
  it('an explicit deny in any layer beats a KMS grant that allows the call', () => {
    fc.assert(
      fc.property(
        kmsActionArb,
        fc.boolean(),
        fc.constantFrom<Layer>('identity', 'boundary', 'resource'),
        fc.nat({ max: 7 }),
        ([action, operation], sameAccount, layer, spelling) => {
          const account = sameAccount ? SOURCE_ACCOUNT : DESTINATION_ACCOUNT;
          const request = kmsCall(account, action);
          const granted: AccessInput = {
            request,
            identityPolicies: [],
            resourcePolicy: keyPolicy(defaultKeyPolicy(account), replicaKeyArn(account)),
            resourceType: 'kms',
            grants: [grant({ Operations: [operation] })],
          };
          fc.pre(evaluateAccess(granted).allowed);
          const deny = denySpellings(action, request.resource)[spelling] as PolicyStatement;
          const result = evaluateAccess(addDeny(granted, layer, withPrincipal(layer, deny)));
          expect(result.allowed).toBe(false);
          expect(result.failures).toContainEqual(expect.objectContaining({ layer, kind: 'explicit-deny' }));
          expect(result.grant).toBeUndefined();
        },
      ),
      RUNS,
    );
  });

  it('a deny wins whichever way it is spelled, in every layer, for S3 writes', () => {
    const base: AccessInput = {
      request: s3Write(SOURCE_ACCOUNT),
      identityPolicies: [inline(seedRolePolicy())],
      resourceType: 's3',
    };
    expect(evaluateAccess(base).allowed).toBe(true);
    fc.assert(
      fc.property(
        fc.constantFrom<Layer>('identity', 'boundary', 'resource'),
        fc.nat({ max: 7 }),
        (layer, spelling) => {
          const deny = denySpellings(base.request.action, base.request.resource)[spelling] as PolicyStatement;
          const input =
            layer === 'resource'
              ? {
                  ...base,
                  resourcePolicy: {
                    name: 'bucket policy',
                    kind: 'bucket' as const,
                    document: doc({ Sid: 'AddedDeny', ...withPrincipal(layer, deny) }),
                  },
                }
              : addDeny(base, layer, deny);
          const result = evaluateAccess(input);
          expect(result.allowed).toBe(false);
          expect(result.failures).toContainEqual(expect.objectContaining({ layer, kind: 'explicit-deny' }));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never throws on malformed statements, and a malformed statement never grants', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 6 }), fc.boolean(), (junk, kms) => {
        const request = kms ? kmsCall(DESTINATION_ACCOUNT) : s3Write(DESTINATION_ACCOUNT);
        const junkPolicy = (name: string, kind: NamedPolicy['kind']): NamedPolicy => ({
          name,
          kind,
          document: { Version: '2012-10-17', Statement: junk as unknown as PolicyStatement[] },
        });
        const input: AccessInput = {
          request,
          identityPolicies: [junkPolicy('Junk', 'inline')],
          permissionsBoundary: junkPolicy('JunkBoundary', 'boundary'),
          resourcePolicy: junkPolicy('junk resource policy', kms ? 'key' : 'bucket'),
          resourceType: kms ? 'kms' : 's3',
          ...(kms ? { grants: junk as never } : {}),
        };
        const result = evaluateAccess(input);
        // Random JSON is (all but) never a well-formed allow for this exact request.
        fc.pre(
          !junk.some(
            (s) => typeof s === 'object' && s !== null && (s as { Effect?: unknown }).Effect === 'Allow',
          ),
        );
        expect(result.allowed).toBe(false);
        expect(result.failures.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('decides the same whatever the order of statements and however they are split into policies', () => {
    const statementArb: fc.Arbitrary<PolicyStatement> = fc.record({
      Effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny'),
      Action: fc.constantFrom('s3:ReplicateObject', 's3:Replicate*', 's3:GetObject', '*'),
      Resource: fc.constantFrom('*', 'arn:aws:s3:::my-destination-bucket-euw1/*', 'arn:aws:s3:::other/*'),
    });
    fc.assert(
      fc.property(
        fc.array(statementArb, { minLength: 1, maxLength: 8 }),
        fc.infiniteStream(fc.nat({ max: 2 })),
        fc.boolean(),
        (list, split, crossAccount) => {
          const request = s3Write(crossAccount ? DESTINATION_ACCOUNT : SOURCE_ACCOUNT);
          const bucket = (s: PolicyStatement[]): NamedPolicy => ({
            name: 'bucket policy',
            kind: 'bucket',
            document: doc(...s.map((x) => ({ ...x, Principal: { AWS: ROLE_ARN } }))),
          });
          const decide = (identity: PolicyStatement[][], resource: PolicyStatement[]) =>
            evaluateAccess({
              request,
              identityPolicies: identity.map((s, i) => inline(doc(...s), `P${i}`)),
              resourcePolicy: bucket(resource),
              resourceType: 's3',
            }).allowed;
          const parts: PolicyStatement[][] = [[], [], []];
          const splitter = split.take(list.length)[Symbol.iterator]();
          for (const statement of list) parts[splitter.next().value ?? 0]?.push(statement);
          const reversed = [...list].reverse();
          const expected = decide([list], list);
          expect(decide([reversed], reversed)).toBe(expected);
          expect(decide(parts, [...reversed])).toBe(expected);
        },
      ),
      RUNS,
    );
  });
});
