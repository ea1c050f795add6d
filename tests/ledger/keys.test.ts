import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { objectPartitionKey, versionSortKey } from '../../shared/ledger/index.js';

describe('ledger item keys', () => {
  it('gives different objects different partition keys, whatever characters they hold', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (bucketA, keyA, bucketB, keyB) => {
        fc.pre(bucketA !== bucketB || keyA !== keyB);
        expect(objectPartitionKey(bucketA, keyA)).not.toBe(objectPartitionKey(bucketB, keyB));
      }),
    );
  });

  it('does not let a # in the key move the boundary between bucket and key', () => {
    expect(objectPartitionKey('a', 'b#c')).not.toBe(objectPartitionKey('a#b', 'c'));
  });

  it('keeps a readable key for the longest real S3 key', () => {
    const key = '日'.repeat(341);

    expect(objectPartitionKey('my-source-bucket-use1', key)).toBe(`OBJ#21:my-source-bucket-use1#${key}`);
  });

  it('falls back to a digest within DynamoDB limits for keys beyond them, still distinct', () => {
    const long = objectPartitionKey('b', 'x'.repeat(5_000));
    const longer = objectPartitionKey('b', 'x'.repeat(5_001));

    expect(long).toMatch(/^OBJH#[0-9a-f]{64}$/);
    expect(long).not.toBe(longer);
    expect(versionSortKey('v'.repeat(1_100))).toMatch(/^VERH#[0-9a-f]{64}$/);
    expect(versionSortKey('3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY')).toBe('VER#3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY');
  });
});
