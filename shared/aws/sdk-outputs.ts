/**
 * SDK outputs → the domain shapes of `DiagnosisReads`: only the fields the diagnosis uses, dates as ISO
 * strings (the live SDK gives `Date`s, a replay revives them too), nothing the API did not say.
 */
import type { KeyMetadata, ObjectAcl, ObjectHead } from '../diagnosis/reads.js';
import type { KmsGrant } from '../policy/types.js';
import { isPlainObject } from './json-values.js';
import { toIsoString } from './sdk-dates.js';

const OBJECT_HEAD_FIELDS = [
  'ReplicationStatus',
  'ServerSideEncryption',
  'SSEKMSKeyId',
  'BucketKeyEnabled',
  'StorageClass',
  'ObjectLockMode',
  'ObjectLockLegalHoldStatus',
  'SSECustomerAlgorithm',
  'DeleteMarker',
  'VersionId',
  'ETag',
  'ContentLength',
] as const;

const KEY_METADATA_FIELDS = [
  'KeyId',
  'Arn',
  'AWSAccountId',
  'KeyState',
  'Enabled',
  'KeyManager',
  'KeySpec',
  'KeyUsage',
  'MultiRegion',
] as const;

const GRANT_FIELDS = ['GrantId', 'Name', 'GranteePrincipal', 'Operations', 'Constraints'] as const;

/** `GetBucketLocation` says nothing for us-east-1, and `EU` for the oldest eu-west-1 buckets. */
export function normaliseLocation(constraint: unknown): string {
  if (typeof constraint !== 'string' || constraint === '') return 'us-east-1';
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

export function toObjectHead(output: Record<string, unknown>): ObjectHead {
  const head: Record<string, unknown> = pick(output, OBJECT_HEAD_FIELDS);
  const retainUntil = toIsoString(output.ObjectLockRetainUntilDate);
  if (retainUntil !== undefined) head.ObjectLockRetainUntilDate = retainUntil;
  return head as ObjectHead;
}

export function toTags(output: Record<string, unknown>): { Key: string; Value: string }[] {
  const tags = Array.isArray(output.TagSet) ? output.TagSet : [];
  return tags
    .filter(isPlainObject)
    .map((tag) => ({ Key: String(tag.Key ?? ''), Value: String(tag.Value ?? '') }));
}

export function toObjectAcl(output: Record<string, unknown>): ObjectAcl {
  return pick(output, ['Owner', 'Grants'] as const) as ObjectAcl;
}

/** `undefined` when the metadata lacks the key's id or ARN. */
export function toKeyMetadata(metadata: unknown): KeyMetadata | undefined {
  if (!isPlainObject(metadata) || typeof metadata.Arn !== 'string' || typeof metadata.KeyId !== 'string') {
    return undefined;
  }
  const result: Record<string, unknown> = pick(metadata, KEY_METADATA_FIELDS);
  const deletion = toIsoString(metadata.DeletionDate);
  if (deletion !== undefined) result.DeletionDate = deletion;
  return result as unknown as KeyMetadata;
}

export function toGrant(grant: Record<string, unknown>): KmsGrant {
  return pick(grant, GRANT_FIELDS) as KmsGrant;
}

/** `value.outer.inner`, when both levels are objects. */
export function nestedField(value: unknown, outer: string, inner: string): unknown {
  if (!isPlainObject(value)) return undefined;
  const nested = value[outer];
  return isPlainObject(nested) ? nested[inner] : undefined;
}

function pick<K extends string>(
  source: Record<string, unknown>,
  fields: readonly K[],
): Partial<Record<K, unknown>> {
  const out: Partial<Record<K, unknown>> = {};
  for (const name of fields) {
    if (source[name] !== undefined && source[name] !== null) out[name] = source[name];
  }
  return out;
}
