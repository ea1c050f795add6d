/**
 * Security drill: policies are read from the customer's account and may be hostile or huge. Evaluation
 * must finish within a generous budget (seconds, not a tight timing) and bounded memory, with the right
 * answer, for 10,000 statements, deeply nested condition values and pathological wildcard patterns.
 */
import { describe, expect, it } from 'vitest';
import { evaluateAccess } from '../../shared/policy/index.js';
import type { PolicyStatement } from '../../shared/policy/types.js';
import { DESTINATION_ACCOUNT, doc, inline, ROLE_ARN, SOURCE_ACCOUNT, s3Write } from '../policy/fixtures.js';

const BUDGET_MS = 5_000;
const HEAP_BUDGET_BYTES = 256 * 1024 * 1024;

function measured<T>(run: () => T): { value: T; ms: number; heapBytes: number } {
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const value = run();
  return {
    value,
    ms: performance.now() - started,
    heapBytes: process.memoryUsage().heapUsed - heapBefore,
  };
}

function expectBounded(result: { ms: number; heapBytes: number }): void {
  expect(result.ms).toBeLessThan(BUDGET_MS);
  expect(result.heapBytes).toBeLessThan(HEAP_BUDGET_BYTES);
}

const request = s3Write(SOURCE_ACCOUNT);
const ALLOW: PolicyStatement = { Sid: 'Allow', Effect: 'Allow', Action: 's3:ReplicateObject', Resource: '*' };

describe('hostile policies stay cheap (security drill)', () => {
  it('evaluates an identity policy of 10,000 statements, finding the one allow at the end', () => {
    const filler = Array.from(
      { length: 9_999 },
      (_, i): PolicyStatement => ({
        Sid: `Filler${i}`,
        Effect: 'Allow',
        Action: [`s3:GetObject${i}`, 'ec2:*'],
        Resource: `arn:aws:s3:::bucket-${i}/*`,
        Condition: { StringEquals: { 'aws:PrincipalTag/team': `team-${i}` } },
      }),
    );
    const run = measured(() =>
      evaluateAccess({ request, identityPolicies: [inline(doc(...filler, ALLOW))], resourceType: 's3' }),
    );

    expectBounded(run);
    expect(run.value.allowed).toBe(true);
  });

  it('evaluates 10,000 deny statements in a cross-account bucket policy and names the one that matches', () => {
    const denies = Array.from(
      { length: 10_000 },
      (_, i): PolicyStatement => ({
        Sid: `Deny${i}`,
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:ReplicateObject',
        Resource: '*',
        // Only the last one applies: the request carries no VPC endpoint.
        ...(i === 9_999 ? {} : { Condition: { StringEquals: { 'aws:SourceVpce': `vpce-${i}` } } }),
      }),
    );
    const crossAccount = s3Write(DESTINATION_ACCOUNT);
    const run = measured(() =>
      evaluateAccess({
        request: crossAccount,
        identityPolicies: [inline(doc(ALLOW))],
        resourcePolicy: {
          name: 'bucket policy',
          kind: 'bucket',
          document: doc(
            { Sid: 'Role', Effect: 'Allow', Principal: { AWS: ROLE_ARN }, Action: 's3:*', Resource: '*' },
            ...denies,
          ),
        },
        resourceType: 's3',
      }),
    );

    expectBounded(run);
    expect(run.value.allowed).toBe(false);
    expect(run.value.failures).toEqual([
      expect.objectContaining({
        layer: 'resource',
        kind: 'explicit-deny',
        statement: expect.objectContaining({ sid: 'Deny9999' }),
      }),
    ]);
  });

  it('survives condition blocks with thousands of operators, keys and values, and values nested 10,000 deep', () => {
    let nested: unknown = 'vpce-1';
    for (let i = 0; i < 10_000; i++) nested = [nested];
    const wide: Record<string, Record<string, string[]>> = {};
    for (let op = 0; op < 200; op++) {
      const operator = ['StringEquals', 'StringLike', 'ArnLike', 'StringNotEquals'][op % 4] ?? 'StringEquals';
      const block: Record<string, string[]> = {};
      for (let key = 0; key < 20; key++) {
        block[`aws:PrincipalTag/k${op}-${key}`] = Array.from({ length: 50 }, (_, v) => `v-${v}*`);
      }
      wide[`${operator}IfExists`] = block;
    }
    const statements: PolicyStatement[] = [
      { Sid: 'Wide', Effect: 'Allow', Action: 's3:ReplicateObject', Resource: '*', Condition: wide as never },
      {
        Sid: 'Deep',
        Effect: 'Deny',
        Action: 's3:ReplicateObject',
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceVpce': nested as never } },
      },
    ];
    const run = measured(() =>
      evaluateAccess({ request, identityPolicies: [inline(doc(...statements))], resourceType: 's3' }),
    );

    expectBounded(run);
    expect(typeof run.value.allowed).toBe('boolean');
  });

  it('matches wildcard patterns built to backtrack (a*a*a*…b) in bounded time', () => {
    const hostile = `arn:aws:s3:::${'a*'.repeat(5_000)}b`;
    const resource = `arn:aws:s3:::${'a'.repeat(20_000)}`;
    const statements: PolicyStatement[] = Array.from({ length: 20 }, (_, i) => ({
      Sid: `Backtrack${i}`,
      Effect: 'Allow',
      Action: `s3:${'?*'.repeat(500)}x`,
      Resource: hostile,
      Condition: { StringLike: { 'aws:PrincipalArn': `${'*a'.repeat(2_000)}b` } },
    }));
    const run = measured(() =>
      evaluateAccess({
        request: {
          ...request,
          resource,
          principalArn: `arn:aws:iam::${SOURCE_ACCOUNT}:role/${'a'.repeat(5_000)}`,
        },
        identityPolicies: [inline(doc(...statements))],
        resourceType: 's3',
      }),
    );

    expectBounded(run);
    expect(run.value.allowed).toBe(false);
  });
});
