/**
 * Keys of the incident items in the ledger table. An incident and all its objects share one partition
 * (`INC#<id>`), so listing an incident's objects is a Query over exactly its failures, never a scan.
 */
import { createHash } from 'node:crypto';

// DynamoDB's limit for a sort key value, in UTF-8 bytes.
const MAX_SORT_KEY_BYTES = 1024;

export const INCIDENT_SORT_KEY = 'META';
/** Both object sort key forms start with it, and the incident's own `META` does not. */
export const OBJECT_SORT_KEY_PREFIX = 'OBJ';
/** The `gsi1pk` of every open incident; resolving removes it, so the sparse index holds only open ones. */
export const OPEN_INDEX_KEY = 'OPEN';

export interface ItemKey {
  pk: string;
  sk: string;
}

export function incidentPartitionKey(incidentId: string): string {
  return `INC#${incidentId}`;
}

export function incidentKey(incidentId: string): ItemKey {
  return { pk: incidentPartitionKey(incidentId), sk: INCIDENT_SORT_KEY };
}

/**
 * `OBJ#<bucket length>:<bucket>#<key length>:<key>#<versionId>` (empty version when there is none). The
 * lengths say where each part ends, so no character in a key (`#` included) can make two objects share an
 * item. A key too long for a sort key falls back to a digest under `OBJH#`, which no readable form starts with.
 */
export function objectSortKey(bucket: string, key: string, versionId?: string): string {
  const readable = `OBJ#${bucket.length}:${bucket}#${key.length}:${key}#${versionId ?? ''}`;
  if (Buffer.byteLength(readable, 'utf8') <= MAX_SORT_KEY_BYTES) return readable;
  const digest = createHash('sha256')
    .update(JSON.stringify([bucket, key, versionId ?? null]), 'utf8')
    .digest('hex');
  return `OBJH#${digest}`;
}

export function incidentObjectKey(
  incidentId: string,
  object: { bucket: string; key: string; versionId?: string },
): ItemKey {
  return {
    pk: incidentPartitionKey(incidentId),
    sk: objectSortKey(object.bucket, object.key, object.versionId),
  };
}

/** A short, placeholder-safe name for one sample in the incident's sample map (distinct per object). */
export function sampleSlot(bucket: string, key: string, versionId?: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([bucket, key, versionId ?? null]), 'utf8')
    .digest('hex');
  return `s${digest.slice(0, 16)}`;
}
