/**
 * Item keys. Object keys may hold any character (`#` included), so the bucket is length-prefixed: the
 * prefix says where the bucket ends, and no key can make two objects share an item.
 */
import { createHash } from 'node:crypto';

// DynamoDB's limits for key attribute values, in UTF-8 bytes.
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

export interface ItemKey {
  pk: string;
  sk: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * `OBJ#<bucket length>:<bucket>#<key>`. An S3 key is at most 1024 bytes, so real keys always fit; anything
 * longer falls back to a digest under its own prefix (`OBJH#`), which no readable key can start with.
 */
export function objectPartitionKey(bucket: string, key: string): string {
  const readable = `OBJ#${bucket.length}:${bucket}#${key}`;
  if (Buffer.byteLength(readable, 'utf8') <= MAX_PARTITION_KEY_BYTES) return readable;
  return `OBJH#${sha256(`${bucket.length}:${bucket}#${key}`)}`;
}

/** `VER#<versionId>`, or a digest under `VERH#` for a version id too long to be a sort key. */
export function versionSortKey(versionId: string): string {
  const readable = `VER#${versionId}`;
  if (Buffer.byteLength(readable, 'utf8') <= MAX_SORT_KEY_BYTES) return readable;
  return `VERH#${sha256(versionId)}`;
}

export function objectVersionKey(bucket: string, key: string, versionId: string): ItemKey {
  return { pk: objectPartitionKey(bucket, key), sk: versionSortKey(versionId) };
}
