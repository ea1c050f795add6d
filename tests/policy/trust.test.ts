import { describe, expect, it } from 'vitest';
import { trustAllowsService } from '../../shared/policy/index.js';
import type { PolicyDocument } from '../../shared/policy/types.js';
import { SOURCE_ACCOUNT } from './fixtures.js';

const seedTrust = (): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

describe('trustAllowsService', () => {
  it('allows S3 to assume the role with the seed trust policy', () => {
    const result = trustAllowsService(seedTrust());
    expect(result.allowed).toBe(true);
    expect(result.allowing?.index).toBe(0);
    expect(result.unverified).toEqual([]);
  });

  it('allows S3 when the service is one of several listed', () => {
    const policy: PolicyDocument = {
      Statement: {
        Effect: 'Allow',
        Principal: { Service: ['batchoperations.s3.amazonaws.com', 's3.amazonaws.com'] },
        Action: ['sts:AssumeRole'],
      },
    };
    expect(trustAllowsService(policy).allowed).toBe(true);
  });

  it('does not allow S3 when only Batch Operations is trusted', () => {
    const policy: PolicyDocument = {
      Statement: {
        Effect: 'Allow',
        Principal: { Service: 'batchoperations.s3.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    };
    expect(trustAllowsService(policy)).toMatchObject({ allowed: false, unverified: [] });
    expect(trustAllowsService(policy, 'batchoperations.s3.amazonaws.com').allowed).toBe(true);
  });

  it('does not allow S3 when the trust policy names only an account', () => {
    const policy: PolicyDocument = {
      Statement: {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:root` },
        Action: 'sts:AssumeRole',
      },
    };
    expect(trustAllowsService(policy).allowed).toBe(false);
  });

  it('does not allow S3 when the trust policy allows a different action', () => {
    const policy: PolicyDocument = {
      Statement: {
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
      },
    };
    expect(trustAllowsService(policy).allowed).toBe(false);
  });

  it('treats an aws:SourceAccount condition as satisfiable and lists it as unverified', () => {
    const policy: PolicyDocument = {
      Statement: {
        Sid: 'S3WithSourceAccount',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': SOURCE_ACCOUNT } },
      },
    };
    const result = trustAllowsService(policy);
    expect(result.allowed).toBe(true);
    expect(result.unverified.map((s) => s.sid)).toEqual(['S3WithSourceAccount']);
  });

  it('reports an unconditional deny of the service', () => {
    const policy: PolicyDocument = {
      Statement: [
        ...(seedTrust().Statement as never[]),
        { Sid: 'NoServices', Effect: 'Deny', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:*' },
      ],
    };
    const result = trustAllowsService(policy);
    expect(result.allowed).toBe(false);
    expect(result.denying?.sid).toBe('NoServices');
  });

  it('does not count a conditional deny as denying, but lists it as unverified', () => {
    const policy: PolicyDocument = {
      Statement: [
        ...(seedTrust().Statement as never[]),
        {
          Sid: 'OnlyFromOwnAccount',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sts:AssumeRole',
          Condition: { StringNotEquals: { 'aws:SourceAccount': SOURCE_ACCOUNT } },
        },
      ],
    };
    const result = trustAllowsService(policy);
    expect(result).toMatchObject({ allowed: true });
    expect(result.denying).toBeUndefined();
    expect(result.unverified.map((s) => s.sid)).toEqual(['OnlyFromOwnAccount']);
  });

  it('prefers an unconditional allow over a conditional one as the statement relied on', () => {
    const policy: PolicyDocument = {
      Statement: [
        {
          Sid: 'Conditional',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceArn': 'arn:aws:s3:::my-source-bucket-use1' } },
        },
        {
          Sid: 'Plain',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    };
    expect(trustAllowsService(policy).allowing?.sid).toBe('Plain');
  });

  it('reports a malformed statement as a warning and does not throw', () => {
    const policy = {
      Statement: [{ Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    } as unknown as PolicyDocument;
    const result = trustAllowsService(policy);
    expect(result.allowed).toBe(false);
    expect(result.warnings).toHaveLength(1);
  });
});
