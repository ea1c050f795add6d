import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCopySource } from '../../shared/remediation/copy-source.js';

describe('the copy source', () => {
  it('encodes each path segment, keeping slashes, with + as %2B so S3 does not read it as a space', () => {
    expect(encodeCopySource('bucket', 'a/b c+d/é.txt')).toBe('bucket/a/b%20c%2Bd/%C3%A9.txt');
  });

  it('escapes % and the characters encodeURIComponent leaves alone', () => {
    expect(encodeCopySource('bucket', "100% it's (done)!*.txt")).toBe(
      'bucket/100%25%20it%27s%20%28done%29%21%2A.txt',
    );
  });

  it('appends the version id, encoded', () => {
    expect(encodeCopySource('bucket', 'k', 'a+b/c=')).toBe('bucket/k?versionId=a%2Bb%2Fc%3D');
  });

  it('leaves the version out when none is given', () => {
    expect(encodeCopySource('bucket', 'k')).toBe('bucket/k');
  });

  it('decodes back to the exact key, segment by segment, for any key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (key) => {
        const encoded = encodeCopySource('bucket', key);
        expect(encoded).toMatch(/^bucket\/[A-Za-z0-9\-._~%/]*$/);
        const path = encoded.slice('bucket/'.length);
        expect(path.split('/').map(decodeURIComponent).join('/')).toBe(key);
      }),
    );
  });
});
