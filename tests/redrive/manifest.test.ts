import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeS3EventKey } from '../../shared/events/s3-key-encoding.js';
import { ManifestRowError } from '../../shared/redrive/errors.js';
import { type ManifestRow, manifestCsv } from '../../shared/redrive/manifest.js';

const BUCKET = 'my-source-bucket-use1';
const VERSION = 'Lq3mJ2X9vY8kP1rT0sW7uZ4bN6cE5dFa';

function row(key: string, versionId = VERSION): ManifestRow {
  return { bucket: BUCKET, key, versionId };
}

function lineFor(key: string): string {
  return manifestCsv([row(key)]).slice(0, -1);
}

describe('the Batch Replication CSV manifest', () => {
  it('writes one Bucket,Key,VersionId line per object, each ending in a newline', () => {
    // Act
    const csv = manifestCsv([row('a.txt'), row('dir/b.txt', 'v2')]);

    // Assess
    expect(csv).toBe(`${BUCKET},a.txt,${VERSION}\n${BUCKET},dir/b.txt,v2\n`);
  });

  it('is empty for no objects', () => {
    expect(manifestCsv([])).toBe('');
  });

  it('takes any iterable, so rows can stream from the ledger', () => {
    function* rows(): Generator<ManifestRow> {
      yield row('one');
      yield row('two');
    }
    expect(manifestCsv(rows())).toBe(`${BUCKET},one,${VERSION}\n${BUCKET},two,${VERSION}\n`);
  });

  it('encodes a space as %20 and a plus as %2B, so S3 reads them the same as a URI or as a form', () => {
    expect(lineFor('Q1 report+final.pdf')).toBe(`${BUCKET},Q1%20report%2Bfinal.pdf,${VERSION}`);
  });

  it('percent-encodes Unicode as UTF-8 and keeps slashes literal', () => {
    expect(lineFor('photos/café/日本.jpg')).toBe(
      `${BUCKET},photos/caf%C3%A9/%E6%97%A5%E6%9C%AC.jpg,${VERSION}`,
    );
  });

  it('encodes commas, quotes and line breaks in keys so the line keeps exactly three fields', () => {
    // Act
    const csv = manifestCsv([row('a,b"c\nd\re.txt')]);

    // Assess
    expect(csv).toBe(`${BUCKET},a%2Cb%22c%0Ad%0De.txt,${VERSION}\n`);
    expect(csv.split('\n')).toHaveLength(2);
  });

  it('encodes a percent sign, so an already-escaped-looking key is not decoded twice', () => {
    expect(lineFor('100%20real.txt')).toBe(`${BUCKET},100%2520real.txt,${VERSION}`);
  });

  it('round-trips every key through S3-style decoding, one three-field line per key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (key) => {
        const line = lineFor(key);
        const fields = line.split(',');
        expect(fields).toHaveLength(3);
        expect(line).not.toMatch(/[\r\n"]/);
        const decoded = decodeS3EventKey(fields[1] ?? '');
        expect(decoded).toEqual({ ok: true, key });
      }),
    );
  });

  it('rejects an object without a version ID, naming its position', () => {
    // Act
    const write = () => manifestCsv([row('a.txt'), { bucket: BUCKET, key: 'b.txt' }]);

    // Assess
    expect(write).toThrow(ManifestRowError);
    expect(write).toThrow(/row 1: s3:\/\/my-source-bucket-use1\/b.txt has no version ID/);
  });

  it('rejects an empty version ID as missing', () => {
    expect(() => manifestCsv([row('a.txt', '')])).toThrow(/has no version ID/);
  });

  it('rejects a version ID that would break the CSV line', () => {
    expect(() => manifestCsv([row('a.txt', 'v1,v2')])).toThrow(ManifestRowError);
    expect(() => manifestCsv([row('a.txt', 'v"1')])).toThrow(/comma, quote or line break/);
  });

  it('rejects a bucket name no bucket can have', () => {
    expect(() => manifestCsv([{ bucket: 'a,b', key: 'k', versionId: VERSION }])).toThrow(/not a bucket name/);
  });

  it('rejects an empty key', () => {
    expect(() => manifestCsv([row('')])).toThrow(/empty key/);
  });

  it('rejects a key with a lone surrogate, which is no S3 key', () => {
    // Act
    let thrown: unknown;
    try {
      manifestCsv([row('bad\uD800key')]);
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(ManifestRowError);
    expect((thrown as ManifestRowError).index).toBe(0);
    expect((thrown as ManifestRowError).cause).toBeInstanceOf(URIError);
  });

  it('writes a 100,000-object storm as 100,000 lines of the exact expected size', () => {
    // Prepare
    const count = 100_000;
    const rows = Array.from({ length: count }, (_, index) => ({
      bucket: BUCKET,
      key: `storm/batch ${String(index).padStart(6, '0')}.bin`,
      versionId: `v${String(index).padStart(31, '0')}`,
    }));

    // Act
    const csv = manifestCsv(rows);

    // Assess
    const lineLength = `${BUCKET},storm/batch%20000000.bin,v${'0'.repeat(31)}\n`.length;
    expect(csv.length).toBe(count * lineLength);
    const lines = csv.split('\n');
    expect(lines).toHaveLength(count + 1);
    expect(lines[0]).toBe(`${BUCKET},storm/batch%20000000.bin,v${'0'.repeat(31)}`);
    expect(lines[count - 1]).toBe(`${BUCKET},storm/batch%20099999.bin,v${'0'.repeat(26)}99999`);
    expect(lines[count]).toBe('');
  });
});
