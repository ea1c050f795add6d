// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${aws:…}` here is IAM policy-variable syntax, not a template.
import { describe, expect, it } from 'vitest';
import { cidrContains } from '../../shared/policy/ip.js';
import { actionMatches, arnMatches, matchesPattern } from '../../shared/policy/match.js';

describe('action matching', () => {
  it('matches actions case-insensitively', () => {
    expect(actionMatches('S3:replicateobject', 's3:ReplicateObject')).toBe(true);
  });

  it('matches s3:Replicate* against every replicate action but not other s3 actions', () => {
    expect(actionMatches('s3:Replicate*', 's3:ReplicateObject')).toBe(true);
    expect(actionMatches('s3:Replicate*', 's3:ReplicateDelete')).toBe(true);
    expect(actionMatches('s3:Replicate*', 's3:PutObject')).toBe(false);
  });

  it('treats ? as exactly one character', () => {
    expect(actionMatches('s3:GetObjectVersion?cl', 's3:GetObjectVersionAcl')).toBe(true);
    expect(actionMatches('s3:GetObjectVersion?cl', 's3:GetObjectVersionxxAcl')).toBe(false);
  });

  it('lets * alone match every action of every service', () => {
    expect(actionMatches('*', 'kms:GenerateDataKey')).toBe(true);
  });

  it('does not let a service wildcard cross into another service', () => {
    expect(actionMatches('kms:*', 's3:ReplicateObject')).toBe(false);
  });
});

describe('ARN matching', () => {
  it('lets * in the resource part span slashes', () => {
    expect(
      arnMatches(
        'arn:aws:s3:::my-destination-bucket-euw1/*',
        'arn:aws:s3:::my-destination-bucket-euw1/a/b/c d.pdf',
      ),
    ).toBe(true);
  });

  it('does not match the bucket ARN with an objects pattern', () => {
    expect(
      arnMatches('arn:aws:s3:::my-destination-bucket-euw1/*', 'arn:aws:s3:::my-destination-bucket-euw1'),
    ).toBe(false);
  });

  it('is case-sensitive', () => {
    expect(arnMatches('arn:aws:s3:::My-Bucket/*', 'arn:aws:s3:::my-bucket/key')).toBe(false);
  });

  it('matches a wildcard region segment without letting it swallow the account', () => {
    const pattern = 'arn:aws:kms:*:444455556666:key/*';
    expect(arnMatches(pattern, 'arn:aws:kms:eu-west-1:444455556666:key/abc')).toBe(true);
    expect(arnMatches(pattern, 'arn:aws:kms:eu-west-1:111122223333:key/abc')).toBe(false);
  });

  it('falls back to whole-string matching for a pattern with fewer than six parts', () => {
    expect(arnMatches('arn:aws:kms:*', 'arn:aws:kms:eu-west-1:444455556666:key/abc')).toBe(true);
  });

  it('resolves a policy variable when a resolver knows the key', () => {
    const resolve = (key: string) =>
      key.toLowerCase() === 'aws:principalaccount' ? '123456789012' : undefined;
    expect(
      arnMatches('arn:aws:s3:::logs-${aws:PrincipalAccount}/*', 'arn:aws:s3:::logs-123456789012/x', resolve),
    ).toBe(true);
  });

  it('keeps an unresolvable policy variable as literal text instead of failing', () => {
    const pattern = 'arn:aws:s3:::home/${aws:username}/*';
    expect(arnMatches(pattern, 'arn:aws:s3:::home/alice/x', () => undefined)).toBe(false);
    expect(arnMatches(pattern, 'arn:aws:s3:::home/${aws:username}/x', () => undefined)).toBe(true);
  });

  it('uses the default of a policy variable when the key is absent', () => {
    expect(
      arnMatches(
        "arn:aws:s3:::home/${aws:username, 'shared'}/*",
        'arn:aws:s3:::home/shared/x',
        () => undefined,
      ),
    ).toBe(true);
  });
});

describe('wildcard patterns', () => {
  it('treats ${*} as a literal asterisk', () => {
    const options = { wildcards: true, resolve: () => undefined };
    expect(matchesPattern('a${*}b', 'a*b', options)).toBe(true);
    expect(matchesPattern('a${*}b', 'axxb', options)).toBe(false);
  });

  it('treats * literally when wildcards are off (StringEquals)', () => {
    expect(matchesPattern('arn:aws:s3:::b/*', 'arn:aws:s3:::b/key', { wildcards: false })).toBe(false);
    expect(matchesPattern('arn:aws:s3:::b/*', 'arn:aws:s3:::b/*', { wildcards: false })).toBe(true);
  });

  it('answers a pathological pattern against a long text without backtracking blow-up', () => {
    const pattern = `*${'a*'.repeat(40)}b`;
    const text = 'a'.repeat(20_000);
    expect(matchesPattern(pattern, text, { wildcards: true })).toBe(false);
    expect(matchesPattern(pattern, `${text}b`, { wildcards: true })).toBe(true);
  });
});

describe('CIDR matching', () => {
  it('contains addresses inside an IPv4 block and not outside it', () => {
    expect(cidrContains('203.0.113.0/24', '203.0.113.77')).toBe(true);
    expect(cidrContains('203.0.113.0/24', '203.0.114.1')).toBe(false);
  });

  it('treats a bare address as a single host', () => {
    expect(cidrContains('10.1.2.3', '10.1.2.3')).toBe(true);
    expect(cidrContains('10.1.2.3', '10.1.2.4')).toBe(false);
  });

  it('matches IPv6 blocks written with ::', () => {
    expect(cidrContains('2001:db8::/32', '2001:db8:1234::1')).toBe(true);
    expect(cidrContains('2001:db8::/32', '2001:db9::1')).toBe(false);
  });

  it('never matches malformed input or mixed families', () => {
    expect(cidrContains('300.0.0.0/8', '300.0.0.1')).toBe(false);
    expect(cidrContains('10.0.0.0/8', '::1')).toBe(false);
    expect(cidrContains('10.0.0.0/99', '10.0.0.1')).toBe(false);
  });
});
