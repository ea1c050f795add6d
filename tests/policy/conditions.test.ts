// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${aws:…}` here is IAM policy-variable syntax, not a template.
import { describe, expect, it } from 'vitest';
import type { ContextValue } from '../../shared/policy/api.js';
import { evaluateConditions } from '../../shared/policy/conditions.js';
import { indexContext } from '../../shared/policy/context.js';
import type { ConditionBlock } from '../../shared/policy/types.js';

function check(block: ConditionBlock, context: Record<string, ContextValue>) {
  const indexed = indexContext(context);
  return evaluateConditions(block, indexed, indexed.resolve);
}

const holds = (block: ConditionBlock, context: Record<string, ContextValue>) => check(block, context).matches;

const KMS_CONTEXT = {
  'kms:ViaService': 's3.eu-west-1.amazonaws.com',
  'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::my-destination-bucket-euw1/finance/q3.pdf',
  'kms:EncryptionContextKeys': ['aws:s3:arn'],
};

describe('string operators', () => {
  it('matches StringLike object-ARN patterns for the S3 encryption context', () => {
    const block = {
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::my-destination-bucket-euw1/*' },
    };
    expect(holds(block, KMS_CONTEXT)).toBe(true);
    expect(
      holds(block, { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::my-destination-bucket-euw1' }),
    ).toBe(false);
  });

  it('ORs the values listed for one key', () => {
    const block = {
      StringEquals: { 'kms:ViaService': ['s3.us-east-1.amazonaws.com', 's3.eu-west-1.amazonaws.com'] },
    };
    expect(holds(block, KMS_CONTEXT)).toBe(true);
  });

  it('ANDs the keys and the operators of a block', () => {
    const block = {
      StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::other-bucket/*' },
    };
    expect(holds(block, KMS_CONTEXT)).toBe(false);
  });

  it('NORs the values of a negated operator', () => {
    const block = {
      StringNotEquals: { 'kms:ViaService': ['s3.us-east-1.amazonaws.com', 's3.eu-west-1.amazonaws.com'] },
    };
    expect(holds(block, KMS_CONTEXT)).toBe(false);
    expect(holds(block, { 'kms:ViaService': 'ec2.eu-west-1.amazonaws.com' })).toBe(true);
  });

  it('matches condition keys case-insensitively but values case-sensitively', () => {
    expect(holds({ StringEquals: { 'KMS:VIASERVICE': 's3.eu-west-1.amazonaws.com' } }, KMS_CONTEXT)).toBe(
      true,
    );
    expect(holds({ StringEquals: { 'kms:ViaService': 'S3.EU-WEST-1.AMAZONAWS.COM' } }, KMS_CONTEXT)).toBe(
      false,
    );
  });

  it('ignores case in values only for the IgnoreCase operators', () => {
    expect(
      holds({ StringEqualsIgnoreCase: { 'kms:ViaService': 'S3.EU-WEST-1.AMAZONAWS.COM' } }, KMS_CONTEXT),
    ).toBe(true);
    expect(
      holds({ StringNotEqualsIgnoreCase: { 'kms:ViaService': 'S3.EU-WEST-1.AMAZONAWS.COM' } }, KMS_CONTEXT),
    ).toBe(false);
  });

  it('applies StringNotLike as the negation of StringLike', () => {
    const block = {
      StringNotLike: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::my-destination-bucket-euw1/*' },
    };
    expect(holds(block, KMS_CONTEXT)).toBe(false);
  });

  it('resolves policy variables in values', () => {
    expect(
      holds(
        { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } },
        {
          'aws:PrincipalAccount': '123456789012',
          'aws:ResourceAccount': '123456789012',
        },
      ),
    ).toBe(true);
  });
});

describe('keys absent from the context', () => {
  it('makes a positive operator false and records the key', () => {
    const result = check({ StringEquals: { 'aws:SourceAccount': '123456789012' } }, {});
    expect(result.matches).toBe(false);
    expect(result.missingKeys).toEqual(['aws:SourceAccount']);
  });

  it('makes a negated operator true, as AWS documents', () => {
    expect(holds({ StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } }, {})).toBe(true);
    expect(holds({ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, {})).toBe(true);
  });

  it('makes an IfExists operator true, and still checks the value when the key is present', () => {
    const block = { StringLikeIfExists: { 's3:x-amz-server-side-encryption': ['aws:kms', 'AES256'] } };
    expect(holds(block, {})).toBe(true);
    expect(holds(block, { 's3:x-amz-server-side-encryption': 'aws:kms' })).toBe(true);
    expect(holds(block, { 's3:x-amz-server-side-encryption': 'aws:kms:dsse' })).toBe(false);
  });

  it('records the key an IfExists operator skipped', () => {
    expect(check({ StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } }, {}).missingKeys).toEqual([
      'aws:SourceVpc',
    ]);
  });

  it('lets Null test presence without recording the key as missing', () => {
    const absent = check({ Null: { 's3:x-amz-server-side-encryption': 'true' } }, {});
    expect(absent.matches).toBe(true);
    expect(absent.missingKeys).toEqual([]);
    expect(
      holds(
        { Null: { 's3:x-amz-server-side-encryption': 'true' } },
        { 's3:x-amz-server-side-encryption': 'AES256' },
      ),
    ).toBe(false);
    expect(
      holds(
        { Null: { 's3:x-amz-server-side-encryption': false } },
        { 's3:x-amz-server-side-encryption': 'AES256' },
      ),
    ).toBe(true);
  });
});

describe('set qualifiers', () => {
  it('ForAnyValue needs one context value to match, and is false when the key is absent', () => {
    const block = {
      'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': ['aws:s3:arn', 'department'] },
    };
    expect(holds(block, KMS_CONTEXT)).toBe(true);
    expect(holds(block, { 'kms:EncryptionContextKeys': ['project'] })).toBe(false);
    expect(holds(block, {})).toBe(false);
  });

  it('ForAllValues needs every context value to match, and is true when the key is absent', () => {
    const block = { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['aws:s3:arn'] } };
    expect(holds(block, KMS_CONTEXT)).toBe(true);
    expect(holds(block, { 'kms:EncryptionContextKeys': ['aws:s3:arn', 'extra'] })).toBe(false);
    expect(holds(block, {})).toBe(true);
  });

  it('combines a qualifier with a negated operator per context value', () => {
    const block = { 'ForAllValues:StringNotEquals': { 'kms:EncryptionContextKeys': ['forbidden'] } };
    expect(holds(block, { 'kms:EncryptionContextKeys': ['aws:s3:arn', 'other'] })).toBe(true);
    expect(holds(block, { 'kms:EncryptionContextKeys': ['aws:s3:arn', 'forbidden'] })).toBe(false);
  });

  it('combines a qualifier with IfExists', () => {
    expect(holds({ 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': 'team' } }, {})).toBe(true);
  });
});

describe('other operator families', () => {
  it('compares Bool against a boolean context value written either way', () => {
    expect(holds({ Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': true })).toBe(false);
    expect(holds({ Bool: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': true })).toBe(true);
    expect(holds({ Bool: { 'aws:SecureTransport': 'TRUE' } }, { 'aws:SecureTransport': 'true' })).toBe(true);
  });

  it('compares numbers', () => {
    const context = { 's3:max-keys': 10 };
    expect(holds({ NumericLessThanEquals: { 's3:max-keys': '10' } }, context)).toBe(true);
    expect(holds({ NumericLessThan: { 's3:max-keys': '10' } }, context)).toBe(false);
    expect(holds({ NumericGreaterThan: { 's3:max-keys': 9 } }, context)).toBe(true);
    expect(holds({ NumericNotEquals: { 's3:max-keys': ['10', '11'] } }, context)).toBe(false);
    expect(holds({ NumericEquals: { 's3:max-keys': 'ten' } }, context)).toBe(false);
  });

  it('compares dates written as ISO 8601 or epoch seconds', () => {
    const context = { 'aws:CurrentTime': '2025-03-01T12:00:00Z', 'aws:EpochTime': 1740830400 };
    expect(holds({ DateLessThan: { 'aws:CurrentTime': '2025-12-31T00:00:00Z' } }, context)).toBe(true);
    expect(holds({ DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }, context)).toBe(false);
    expect(holds({ DateEquals: { 'aws:EpochTime': '2025-03-01T12:00:00Z' } }, context)).toBe(true);
  });

  it('matches source addresses against CIDR blocks', () => {
    expect(
      holds(
        { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '203.0.113.0/24'] } },
        { 'aws:SourceIp': '203.0.113.9' },
      ),
    ).toBe(true);
    expect(
      holds({ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.113.9' }),
    ).toBe(false);
  });

  it('matches ARN operators part by part', () => {
    const context = { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/S3ReplicationRole' };
    expect(holds({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/S3Replication*' } }, context)).toBe(
      true,
    );
    expect(
      holds(
        { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/S3ReplicationRole' } },
        context,
      ),
    ).toBe(true);
    expect(holds({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/*' } }, context)).toBe(
      false,
    );
    expect(
      holds({ ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/Other' } }, context),
    ).toBe(true);
  });

  it('compares BinaryEquals values exactly', () => {
    expect(holds({ BinaryEquals: { 'custom:blob': 'QmluYXJ5' } }, { 'custom:blob': 'QmluYXJ5' })).toBe(true);
  });
});

describe('malformed conditions', () => {
  it('reports an unknown operator and does not match', () => {
    const result = check(
      { StringSortOfEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
      KMS_CONTEXT,
    );
    expect(result.matches).toBe(false);
    expect(result.malformed[0]).toContain('StringSortOfEquals');
  });

  it('rejects a qualified Null operator as unknown', () => {
    expect(check({ 'ForAnyValue:Null': { 'aws:TagKeys': 'true' } }, {}).malformed).toHaveLength(1);
  });

  it('reports a nested object value instead of descending into it', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 5_000; i++) deep = { nested: deep };
    const result = check({ StringEquals: { 'kms:ViaService': deep as string } }, KMS_CONTEXT);
    expect(result.matches).toBe(false);
    expect(result.malformed).toHaveLength(1);
  });

  it('reports a Condition that is not an object', () => {
    const indexed = indexContext({});
    expect(evaluateConditions('StringEquals', indexed, undefined).malformed).toHaveLength(1);
  });
});
