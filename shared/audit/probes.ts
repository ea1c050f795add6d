/**
 * The synthetic objects an audit diagnoses, one per kind of object the rule would replicate. None is read
 * from S3: the probe reads answer for them, so the diagnosis sees exactly the object a writer would create.
 */
import type { BucketEncryption, ObjectHead, ReplicationRule } from '../diagnosis/reads.js';
import {
  isKmsEncryption,
  replicatesDeleteMarkers,
  replicatesSseKmsObjects,
  rulePrefix,
  ruleTags,
} from '../diagnosis/rule-features.js';
import type { ProbeKind } from './types.js';

export const PROBE_KEY_NAME = 's3-replication-doctor-audit-probe';

export interface Tag {
  Key: string;
  Value: string;
}

export interface ProbeSpec {
  probe: ProbeKind;
  head: ObjectHead;
  tags: Tag[];
  /**
   * The source object's key cannot be known without an object (the bucket's default encryption is not
   * SSE-KMS): only the replica key is checked.
   */
  sourceKeyUnknown: boolean;
  notes: string[];
}

/** Inside the rule's prefix, so the object is one the rule replicates. */
export function probeKey(rule: ReplicationRule): string {
  return `${rulePrefix(rule)}${PROBE_KEY_NAME}`;
}

/** The AWS managed key S3 uses when default encryption names no key. */
const AWS_MANAGED_S3_KEY = 'alias/aws/s3';

function defaultKms(encryption: BucketEncryption | null | undefined) {
  const rule = encryption?.Rules[0];
  const sse = rule?.ApplyServerSideEncryptionByDefault;
  if (!sse || !isKmsEncryption(sse.SSEAlgorithm)) return undefined;
  return {
    algorithm: sse.SSEAlgorithm,
    keyId: sse.KMSMasterKeyID || AWS_MANAGED_S3_KEY,
    bucketKey: rule?.BucketKeyEnabled === true,
  };
}

/**
 * The probes a rule calls for: a plain object, an SSE-KMS object when the rule replicates them or the
 * bucket writes them by default (then a rule that does not opt in is itself the problem), the rule's tags
 * when it filters on tags, a delete marker when delete markers replicate.
 */
export function probesFor(
  rule: ReplicationRule,
  sourceEncryption: BucketEncryption | null | undefined,
): ProbeSpec[] {
  const tags = ruleTags(rule);
  const tagFiltered = tags.length > 0;
  const plainHead: ObjectHead = {
    ServerSideEncryption: 'AES256',
    StorageClass: 'STANDARD',
    ReplicationStatus: 'FAILED',
  };
  const probes: ProbeSpec[] = [];
  // An untagged object is outside a tag-filtered rule: not replicating it is no failure.
  if (!tagFiltered)
    probes.push({ probe: 'plain', head: plainHead, tags: [], sourceKeyUnknown: false, notes: [] });
  const kms = defaultKms(sourceEncryption);
  if (replicatesSseKmsObjects(rule) || kms) {
    probes.push({
      probe: 'kms',
      head: {
        ...plainHead,
        ServerSideEncryption: kms?.algorithm ?? 'aws:kms',
        ...(kms ? { SSEKMSKeyId: kms.keyId, BucketKeyEnabled: kms.bucketKey } : {}),
      },
      tags,
      sourceKeyUnknown: kms === undefined,
      notes: kms
        ? [`The SSE-KMS probe is encrypted with the source bucket's default key ${kms.keyId}.`]
        : [
            "The source bucket's default encryption is not SSE-KMS, so the key of an SSE-KMS object is not known without an object: only the replica key was checked.",
          ],
    });
  }
  if (tagFiltered)
    probes.push({ probe: 'tagged', head: plainHead, tags, sourceKeyUnknown: false, notes: [] });
  if (replicatesDeleteMarkers(rule)) {
    probes.push({
      probe: 'delete-marker',
      head: { DeleteMarker: true },
      tags: [],
      sourceKeyUnknown: false,
      notes: [],
    });
  }
  return probes;
}
