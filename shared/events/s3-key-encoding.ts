/**
 * S3 event notifications carry the object key form-URL-encoded: a space is `+`, a literal plus is `%2B`,
 * other bytes outside the unreserved set are `%XX` of their UTF-8 encoding.
 */

export type KeyDecoding = { ok: true; key: string } | { ok: false; problem: string; cause: unknown };

export function decodeS3EventKey(rawKey: string): KeyDecoding {
  try {
    // `+` must become a space before percent-decoding, or a decoded `%2B` would turn into a space too.
    return { ok: true, key: decodeURIComponent(rawKey.replaceAll('+', ' ')) };
  } catch (cause) {
    return { ok: false, problem: describeMalformedEscape(rawKey), cause };
  }
}

/**
 * Encodes a key the way S3 writes it into an event: the inverse of `decodeS3EventKey`.
 * Slashes stay literal, as in the keys S3 sends.
 */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key).replaceAll('%20', '+').replaceAll('%2F', '/');
}

const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

function describeMalformedEscape(rawKey: string): string {
  const lonePercent = /%(?![0-9A-Fa-f]{2})/.exec(rawKey);
  if (lonePercent) {
    const near = rawKey.slice(lonePercent.index, lonePercent.index + 3);
    return `"${near}" at offset ${lonePercent.index} is not a %XX escape`;
  }
  for (const run of rawKey.matchAll(PERCENT_RUN)) {
    try {
      decodeURIComponent(run[0]);
    } catch {
      return `${run[0]} at offset ${run.index} is not valid UTF-8`;
    }
  }
  return 'it cannot be percent-decoded';
}
