import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeS3EventKey, encodeS3EventKey, parseEvents } from '../../shared/events/index.js';
import { sampleRecord } from './samples.js';

describe('decodeS3EventKey', () => {
  it.each([
    ['photos/2024/a+b.jpg', 'photos/2024/a b.jpg'],
    ['a%2Bb', 'a+b'],
    ['a+b%2Bc', 'a b+c'],
    ['a%2Fb', 'a/b'],
    ['%C3%A9t%C3%A9.txt', 'été.txt'],
    ['%E6%97%A5%E6%9C%AC/%E5%86%99%E7%9C%9F.png', '日本/写真.png'],
    ['emoji/%F0%9F%98%80.gif', 'emoji/😀.gif'],
    ['100%25+paid', '100% paid'],
    ['%252B', '%2B'],
    ['video%281%29.mp4', 'video(1).mp4'],
    ['++', '  '],
    ['plain-key_1.txt', 'plain-key_1.txt'],
  ])('decodes %j to %j', (raw, key) => {
    expect(decodeS3EventKey(raw)).toEqual({ ok: true, key });
  });

  it.each([
    ['reports/%E0%A4.txt', '%E0%A4 at offset 8 is not valid UTF-8'],
    ['%ED%A0%80', '%ED%A0%80 at offset 0 is not valid UTF-8'],
    ['100%', '"%" at offset 3 is not a %XX escape'],
    ['a%ZZb', '"%ZZ" at offset 1 is not a %XX escape'],
  ])('refuses the malformed %j and says where', (raw, problem) => {
    const decoded = decodeS3EventKey(raw);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.problem).toBe(problem);
      expect(decoded.cause).toBeInstanceOf(URIError);
    }
  });
});

describe('encodeS3EventKey', () => {
  it('writes spaces as + and pluses as %2B, keeping slashes', () => {
    expect(encodeS3EventKey('photos/2024/a b+c.jpg')).toBe('photos/2024/a+b%2Bc.jpg');
    expect(encodeS3EventKey('été 100%')).toBe('%C3%A9t%C3%A9+100%25');
  });
});

const trickyChar = fc.constantFrom(
  ' ',
  '+',
  '%',
  '/',
  '%2B',
  '%20',
  '&',
  '=',
  '?',
  '#',
  'é',
  '日',
  '😀',
  '~',
  '*',
);
const s3Key = fc
  .array(fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), trickyChar), {
    minLength: 1,
    maxLength: 12,
  })
  .map((parts) => parts.join(''));

describe('key round trip (property)', () => {
  it('decodes whatever key S3 encodes back to that key', () => {
    fc.assert(
      fc.property(s3Key, (key) => {
        expect(decodeS3EventKey(encodeS3EventKey(key))).toEqual({ ok: true, key });
      }),
      { numRuns: 2000 },
    );
  });

  it('gives back the key, and the raw key as sent, from a whole notification', () => {
    fc.assert(
      fc.property(s3Key, (key) => {
        const record = sampleRecord();
        const rawKey = encodeS3EventKey(key);
        record.s3.object.key = rawKey;
        const [parsed] = parseEvents({ Records: [record] });
        expect(parsed?.kind).toBe('failure');
        if (parsed?.kind === 'failure') {
          expect(parsed.failure.key).toBe(key);
          expect(parsed.failure.rawKey).toBe(rawKey);
        }
      }),
      { numRuns: 500 },
    );
  });
});
