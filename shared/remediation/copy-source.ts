/**
 * The `x-amz-copy-source` value: `bucket/key?versionId=v`, URL-encoded. S3 percent-decodes it, and a raw `+`
 * is read as a space, so every reserved character in the key is escaped. Slashes stay literal (encoding each
 * `/`-separated segment): S3 accepts both, and some S3-compatible servers do not decode `%2F`.
 */

/** RFC 3986 unreserved characters stay; everything else, `!'()*` included, is `%XX` of its UTF-8 bytes. */
function encodeStrict(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function encodeCopySource(bucket: string, key: string, versionId?: string): string {
  const path = `${bucket}/${key.split('/').map(encodeStrict).join('/')}`;
  return versionId === undefined ? path : `${path}?versionId=${encodeStrict(versionId)}`;
}
