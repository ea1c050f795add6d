/**
 * Which KMS key each side of the replication uses for this object (reference §4.2): the source object's
 * `SSEKMSKeyId`, and the rule's `ReplicaKmsKeyID` (or, for a source that is not SSE-KMS, the destination's
 * default-encryption key).
 */
import { regionOf } from './arns.js';
import { type DiagnosisContext, deniedWhy } from './context.js';
import { isKmsEncryption, replicaKmsKeyId, replicatesSseKmsObjects } from './rule-features.js';
import { type RuleState, ruleState } from './rule-state.js';

export type KeyTarget =
  /** No KMS key is involved (or the object is not replicated with one); `note` says why. */
  | { status: 'none'; note: string }
  /** Which key is involved could not be told. */
  | { status: 'unknown'; why: string }
  | {
      status: 'key';
      side: 'source' | 'destination';
      /** Exactly as the configuration or `HeadObject` names it (id, ARN or alias). */
      keyId: string;
      /** Where to ask DescribeKey when the id is not an ARN. */
      describeRegion?: string;
      /** The region S3 calls KMS from (`kms:ViaService`): the bucket's region on that side. */
      viaRegion?: string;
      /** The destination bucket's region, to compare with the key's. */
      bucketRegion?: string;
      bucket: string;
      /** S3 Bucket Keys: the encryption context is the bucket ARN, and the replica key needs kms:Decrypt too. */
      bucketKey: boolean;
      rule: Extract<RuleState, { status: 'ok' }>;
      notes: string[];
    };

export function sourceKeyTarget(ctx: DiagnosisContext): Promise<KeyTarget> {
  return ctx.derive('source-key', async (): Promise<KeyTarget> => {
    const [head, rule] = await Promise.all([ctx.head(), ruleState(ctx)]);
    if (rule.status === 'unreadable') return { status: 'unknown', why: `the role is unknown: ${rule.why}` };
    if (rule.status === 'absent') return { status: 'none', note: rule.why };
    switch (head.status) {
      case 'denied':
        return { status: 'unknown', why: deniedWhy('s3:GetObject (HeadObject)', ctx.failure.key, head) };
      case 'not-found':
        return {
          status: 'none',
          note: 'the source object version no longer exists, so its key was not checked',
        };
      case 'ok':
        break;
      default: {
        const unhandled: never = head;
        throw new TypeError(`unhandled read ${JSON.stringify(unhandled)}`);
      }
    }
    const sse = head.value.ServerSideEncryption;
    if (!isKmsEncryption(sse)) {
      return {
        status: 'none',
        note: `the source object is not encrypted with KMS (${sse ?? 'no server-side encryption'})`,
      };
    }
    const keyId = head.value.SSEKMSKeyId;
    if (!keyId) return { status: 'unknown', why: 'HeadObject says aws:kms but names no SSEKMSKeyId' };
    return {
      status: 'key',
      side: 'source',
      keyId,
      describeRegion: regionOf(keyId) ?? ctx.failure.awsRegion,
      viaRegion: ctx.failure.awsRegion,
      bucket: ctx.sourceBucket,
      bucketKey: head.value.BucketKeyEnabled === true,
      rule,
      notes: [],
    };
  });
}

export function destinationKeyTarget(ctx: DiagnosisContext): Promise<KeyTarget> {
  return ctx.derive('destination-key', async (): Promise<KeyTarget> => {
    const [rule, head, region, encryption] = await Promise.all([
      ruleState(ctx),
      ctx.plan.scope === 'object' ? ctx.head() : undefined,
      ctx.destinationRegion(),
      ctx.destinationEncryption(),
    ]);
    if (rule.status === 'unreadable') return { status: 'unknown', why: `the rule is unknown: ${rule.why}` };
    if (rule.status === 'absent') return { status: 'none', note: rule.why };
    if (!rule.rule) return { status: 'none', note: `the rule ${ctx.failure.ruleId} is gone` };
    const notes: string[] = [];
    const sourceSse = head?.status === 'ok' ? head.value.ServerSideEncryption : undefined;
    if (head?.status === 'ok' && isKmsEncryption(sourceSse) && !replicatesSseKmsObjects(rule.rule)) {
      return {
        status: 'none',
        note: 'the rule does not replicate SSE-KMS objects, so no replica key is used',
      };
    }
    const defaultRule = encryption.status === 'ok' ? encryption.value?.Rules[0] : undefined;
    const defaultSse = defaultRule?.ApplyServerSideEncryptionByDefault;
    const defaultKey = isKmsEncryption(defaultSse?.SSEAlgorithm) ? defaultSse?.KMSMasterKeyID : undefined;
    let keyId = replicaKmsKeyId(rule.rule);
    if (!keyId) {
      if (!defaultKey)
        return {
          status: 'none',
          note: 'the rule names no ReplicaKmsKeyID and the destination has no KMS default encryption',
        };
      if (head?.status === 'denied') {
        return { status: 'unknown', why: deniedWhy('s3:GetObject (HeadObject)', ctx.failure.key, head) };
      }
      if (head?.status === 'not-found')
        return { status: 'none', note: 'the source object version no longer exists' };
      if (isKmsEncryption(sourceSse)) {
        return { status: 'none', note: 'the rule names no ReplicaKmsKeyID for this SSE-KMS object' };
      }
      keyId = defaultKey;
      notes.push(
        `the replica of a ${sourceSse ?? 'plaintext'} object is encrypted with the destination's default key ${keyId}`,
      );
    }
    if (encryption.status === 'denied')
      notes.push(deniedWhy('s3:GetEncryptionConfiguration', ctx.destinationBucket, encryption));
    const bucketRegion = region.status === 'ok' ? region.value : undefined;
    if (region.status === 'denied')
      notes.push(deniedWhy('s3:GetBucketLocation', ctx.destinationBucket, region));
    // Bucket Keys on either the destination's default encryption or the source object (reference §4.2).
    const bucketKey =
      defaultRule?.BucketKeyEnabled === true ||
      (head?.status === 'ok' && head.value.BucketKeyEnabled === true);
    const describeRegion = regionOf(keyId) ?? bucketRegion;
    const viaRegion = bucketRegion ?? regionOf(keyId);
    return {
      status: 'key',
      side: 'destination',
      keyId,
      ...(describeRegion ? { describeRegion } : {}),
      ...(viaRegion ? { viaRegion } : {}),
      ...(bucketRegion ? { bucketRegion } : {}),
      bucket: ctx.destinationBucket,
      bucketKey,
      rule,
      notes,
    };
  });
}
