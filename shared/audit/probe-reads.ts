/**
 * The diagnosis reads, except that the synthetic object answers for itself: its head, its tags and an ACL
 * owned by the bucket owner. Everything else (buckets, role, policies, keys) is read from the account.
 */
import type { DiagnosisReads, ObjectAcl, Read } from '../diagnosis/reads.js';
import type { ProbeSpec } from './probes.js';

export interface ProbeObject {
  bucket: string;
  key: string;
  spec: ProbeSpec;
  /** The bucket owner's canonical ID (GetBucketAcl); unknown leaves the ownership comparison out. */
  ownerId?: string;
}

const ok = <T>(value: T): Read<T> => ({ status: 'ok', value });

function ownerAcl(ownerId: string | undefined): ObjectAcl {
  if (!ownerId) return {};
  return {
    Owner: { ID: ownerId },
    Grants: [{ Grantee: { ID: ownerId, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }],
  };
}

export function probeReads(reads: DiagnosisReads, object: ProbeObject): DiagnosisReads {
  const isProbe = (bucket: string, key: string) => bucket === object.bucket && key === object.key;
  const getBucketAcl = reads.getBucketAcl?.bind(reads);
  return {
    getCallerIdentity: () => reads.getCallerIdentity(),
    describeOrganization: () => reads.describeOrganization(),
    getBucketReplication: (bucket) => reads.getBucketReplication(bucket),
    getBucketVersioning: (bucket, side) => reads.getBucketVersioning(bucket, side),
    getBucketRegion: (bucket, side) => reads.getBucketRegion(bucket, side),
    getBucketPolicy: (bucket, side) => reads.getBucketPolicy(bucket, side),
    getBucketOwnershipControls: (bucket, side) => reads.getBucketOwnershipControls(bucket, side),
    getObjectLockConfiguration: (bucket, side) => reads.getObjectLockConfiguration(bucket, side),
    getBucketEncryption: (bucket, side) => reads.getBucketEncryption(bucket, side),
    getBucketRequestPayment: (bucket, side) => reads.getBucketRequestPayment(bucket, side),
    headObject: async (bucket, key, versionId) =>
      isProbe(bucket, key) ? ok({ ...object.spec.head }) : reads.headObject(bucket, key, versionId),
    getObjectTagging: async (bucket, key, versionId) =>
      isProbe(bucket, key)
        ? ok(object.spec.tags.map((tag) => ({ ...tag })))
        : reads.getObjectTagging(bucket, key, versionId),
    getObjectAcl: async (bucket, key, versionId) =>
      isProbe(bucket, key) ? ok(ownerAcl(object.ownerId)) : reads.getObjectAcl(bucket, key, versionId),
    ...(getBucketAcl ? { getBucketAcl } : {}),
    getRole: (name) => reads.getRole(name),
    getRoleInlinePolicies: (name) => reads.getRoleInlinePolicies(name),
    getRoleAttachedPolicies: (name) => reads.getRoleAttachedPolicies(name),
    getManagedPolicy: (arn) => reads.getManagedPolicy(arn),
    describeKey: (keyId, region) => reads.describeKey(keyId, region),
    getKeyPolicy: (arn) => reads.getKeyPolicy(arn),
    listGrants: (arn) => reads.listGrants(arn),
  };
}
