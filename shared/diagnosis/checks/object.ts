/**
 * The object itself: still there, not already replicated, eligible under the rule (not a replica, not in
 * an archive tier, inside the rule's prefix and tags, SSE-KMS only when the rule opts in), and owned by the
 * bucket owner (S3 replicates only objects the bucket owner may read).
 */
import { objectArn } from '../arns.js';
import { type CheckResult, checkResult, type Unverified } from '../check-names.js';
import { type DiagnosisContext, deniedWhy } from '../context.js';
import { replicationConfigFix } from '../fixes.js';
import type { ObjectHead, ReplicationRule } from '../reads.js';
import { isKmsEncryption, replicatesSseKmsObjects, rulePrefix, ruleTags } from '../rule-features.js';
import { ruleState } from '../rule-state.js';
import { cli } from '../shell.js';
import type { Cause, Fix } from '../types.js';

const GONE_CODES = new Set([
  'SrcKeyNotFound',
  'SrcObjectNotFound',
  'SrcVersionNotFound',
  'DstVersionNotFound',
  'DstObjectHardDeleted',
]);
/** The source is fine and the replica is what went missing: a copy in place replicates it again. */
const REPLICA_GONE_CODES = new Set(['DstVersionNotFound', 'DstObjectHardDeleted']);
const ARCHIVE_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);

type Ineligibility = { reason: string; advice: string; commands: string[] };

function objectArgs(ctx: DiagnosisContext): Array<['--bucket' | '--key' | '--version-id', string]> {
  const { key, versionId } = ctx.failure;
  return [
    ['--bucket', ctx.sourceBucket],
    ['--key', key],
    ...(versionId ? [['--version-id', versionId] as ['--version-id', string]] : []),
  ];
}

function objectCause(
  ctx: DiagnosisContext,
  problem: Cause['problem'],
  summary: string,
  fix: Fix,
  evidence: string[] = [],
): Cause {
  return {
    location: 'object',
    problem,
    missingActions: [],
    resource: objectArn(ctx.sourceBucket, ctx.failure.key),
    summary,
    fix,
    ...(evidence.length > 0 ? { evidence } : {}),
  };
}

/** An SSE-KMS object under a rule that does not opt in to SSE-KMS objects is not replicated. */
export function sseKmsIneligibility(
  ctx: DiagnosisContext,
  rule: ReplicationRule,
  head: ObjectHead,
): Ineligibility | undefined {
  if (!isKmsEncryption(head.ServerSideEncryption) || replicatesSseKmsObjects(rule)) return undefined;
  return {
    reason: `it is encrypted with ${head.ServerSideEncryption} and the rule ${ctx.failure.ruleId} does not replicate SSE-KMS objects (SourceSelectionCriteria.SseKmsEncryptedObjects is not Enabled)`,
    advice: `enable SseKmsEncryptedObjects in the rule's SourceSelectionCriteria and set a ReplicaKmsKeyID`,
    commands: replicationConfigFix(ctx.sourceBucket, '').commands,
  };
}

function notEligible(ctx: DiagnosisContext, reasons: Ineligibility[]): Cause {
  return objectCause(
    ctx,
    'object-not-eligible',
    `The object ${ctx.failure.key} is not eligible for replication: ${reasons.map((r) => r.reason).join('; ')}.`,
    {
      summary: `To replicate it: ${reasons.map((r) => r.advice).join('; ')}.`,
      commands: [...new Set(reasons.flatMap((r) => r.commands))],
    },
    reasons.map((r) => r.reason),
  );
}

/** The rule's SSE-KMS opt-in as a cause, for plans that check the source key without the object check. */
export async function ineligibleSseKms(
  ctx: DiagnosisContext,
  rule: ReplicationRule,
): Promise<Cause | undefined> {
  const head = await ctx.head();
  if (head.status !== 'ok') return undefined;
  const reason = sseKmsIneligibility(ctx, rule, head.value);
  return reason ? notEligible(ctx, [reason]) : undefined;
}

const idKind = (id: string): string =>
  /^\d{12}$/.test(id) ? 'account' : /^[0-9a-f]{64}$/i.test(id) ? 'canonical' : 'other';

export async function checkObject(ctx: DiagnosisContext): Promise<CheckResult> {
  const check = 'object';
  const { failure, plan } = ctx;
  const [head, rule, acl, ownership, caller, bucketAcl] = await Promise.all([
    ctx.head(),
    ruleState(ctx),
    plan.ownerCheck ? ctx.acl() : undefined,
    plan.ownerCheck ? ctx.sourceOwnership() : undefined,
    plan.ownerCheck ? ctx.callerIdentity() : undefined,
    plan.ownerCheck ? ctx.sourceBucketAcl() : undefined,
  ]);
  const code = failure.failureReason ?? '';
  const gone = (why: string): CheckResult =>
    checkResult(check, [
      objectCause(
        ctx,
        'object-gone',
        `The object ${failure.key}${failure.versionId ? ` (version ${failure.versionId})` : ''} is gone from ${ctx.sourceBucket}: ${why}.`,
        {
          summary: `There is nothing left to replicate. If the object should exist, re-upload it; the versions that remain are listed by:`,
          commands: [
            cli('aws s3api list-object-versions', ['--bucket', ctx.sourceBucket], ['--prefix', failure.key]),
          ],
        },
      ),
    ]);
  switch (head.status) {
    case 'not-found':
      return gone('it was deleted after the write (HeadObject: not found)');
    case 'denied':
      return checkResult(check, [], [{ why: deniedWhy('s3:GetObject (HeadObject)', failure.key, head) }]);
    case 'ok':
      break;
    default: {
      const unhandled: never = head;
      throw new TypeError(`unhandled read ${JSON.stringify(unhandled)}`);
    }
  }
  const object = head.value;
  if (object.DeleteMarker) {
    if (GONE_CODES.has(code)) return gone('the version is a delete marker');
    return checkResult(
      check,
      [],
      [],
      ['The version is a delete marker; only its replication settings apply.'],
    );
  }
  const status = object.ReplicationStatus;
  if (status === 'COMPLETED' || status === 'COMPLETE') {
    return checkResult(check, [
      objectCause(
        ctx,
        'already-replicated',
        `The object ${failure.key} has replicated since the event (ReplicationStatus ${status}); nothing to do.`,
        { summary: 'Nothing to fix: the replica exists.', commands: [] },
        [`HeadObject ReplicationStatus: ${status}`],
      ),
    ]);
  }

  const reasons: Ineligibility[] = [];
  const unverified: Unverified[] = [];
  const notes: string[] = [];
  if (status === 'REPLICA') {
    reasons.push({
      reason: 'it is itself a replica (ReplicationStatus REPLICA), and replicas are not replicated again',
      advice:
        'replicate from the original source bucket, or use replica modification sync for two-way replication',
      commands: [],
    });
  }
  const storageClass = object.StorageClass ?? 'STANDARD';
  const archive = object.ArchiveStatus;
  if (ARCHIVE_CLASSES.has(storageClass) || archive) {
    reasons.push({
      reason: `it is archived (${archive ? `Intelligent-Tiering ${archive}` : `storage class ${storageClass}`}), and archived objects are not replicated`,
      advice: 'restore it, then copy it in place so a new version replicates',
      commands: [cli('aws s3api restore-object', ...objectArgs(ctx), ['--restore-request', 'Days=7'])],
    });
  }
  const ruleNow = rule.status === 'ok' ? rule.rule : undefined;
  if (ruleNow) {
    const prefix = rulePrefix(ruleNow);
    if (!failure.key.startsWith(prefix)) {
      reasons.push({
        reason: `its key is outside the rule's prefix "${prefix}"`,
        advice: "widen the rule's filter if the object should replicate",
        commands: replicationConfigFix(ctx.sourceBucket, '').commands,
      });
    }
    const wanted = ruleTags(ruleNow);
    if (wanted.length > 0) {
      const tags = await ctx.tagging();
      if (tags.status === 'ok') {
        const missing = wanted.filter(
          (tag) => !tags.value.some((t) => t.Key === tag.Key && t.Value === tag.Value),
        );
        if (missing.length > 0) {
          reasons.push({
            reason: `it lacks the rule's tags ${missing.map((t) => `${t.Key}=${t.Value}`).join(', ')}`,
            advice:
              'tags must be on the object when it is written: re-upload it with the tags, or widen the filter',
            commands: [],
          });
        }
      } else if (tags.status === 'denied') {
        unverified.push({ why: deniedWhy('s3:GetObjectTagging', failure.key, tags) });
      }
    }
    const sseKms = sseKmsIneligibility(ctx, ruleNow, object);
    if (sseKms) reasons.push(sseKms);
  }
  if (object.SSECustomerAlgorithm) {
    notes.push(
      'The object uses SSE-C; S3 replicates SSE-C objects, but a copy in place needs the customer key.',
    );
  }

  const causes: Cause[] = reasons.length > 0 ? [notEligible(ctx, reasons)] : [];
  if (plan.ownerCheck) {
    const enforced =
      ownership?.status === 'ok' &&
      ownership.value?.Rules.some((r) => r.ObjectOwnership === 'BucketOwnerEnforced');
    const owner = acl?.status === 'ok' ? acl.value.Owner?.ID : undefined;
    if (!enforced && acl?.status === 'denied')
      unverified.push({ why: deniedWhy('s3:GetObjectAcl', failure.key, acl) });
    if (!enforced && owner) {
      // The bucket owner by every name we may have: canonical ID (GetBucketAcl), the event's owner, our account.
      const known = [
        bucketAcl?.status === 'ok' ? bucketAcl.value.Owner?.ID : undefined,
        failure.sourceBucketOwner,
        caller?.status === 'ok' ? caller.value.Account : undefined,
      ].filter((id): id is string => id !== undefined && id !== '');
      const comparable = known.filter((id) => idKind(id) === idKind(owner));
      if (!known.includes(owner) && comparable.length > 0) {
        causes.push(
          objectCause(
            ctx,
            'object-owned-by-other-account',
            `The object ${failure.key} is owned by ${owner}, not by the owner of ${ctx.sourceBucket} (${comparable.join(', ')}); S3 replicates only objects the bucket owner can read.`,
            {
              summary: `Make the bucket owner own the objects: set Object Ownership to BucketOwnerEnforced on ${ctx.sourceBucket} (ACLs disabled), or have the writer upload with the bucket-owner-full-control ACL; then copy the object in place.`,
              commands: [
                cli(
                  'aws s3api put-bucket-ownership-controls',
                  ['--bucket', ctx.sourceBucket],
                  ['--ownership-controls', 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'],
                ),
              ],
            },
            [`GetObjectAcl owner ${owner}`, `bucket owner ${comparable.join(', ')}`],
          ),
        );
      } else if (!known.includes(owner) && bucketAcl?.status === 'denied') {
        // Without the bucket owner's canonical ID the ownership cannot be settled: unverified, not "no cause".
        unverified.push({ why: deniedWhy('s3:GetBucketAcl', ctx.sourceBucket, bucketAcl) });
      } else if (!known.includes(owner)) {
        notes.push(
          `The object's owner ${owner} could not be compared with the bucket owner (different id forms).`,
        );
      }
    }
  }
  if (causes.length === 0 && GONE_CODES.has(code)) {
    notes.push(
      REPLICA_GONE_CODES.has(code)
        ? 'The source version is still present: copying it in place creates a new version that live replication picks up (Batch Replication cannot re-replicate a version deleted from the destination).'
        : 'The source version exists now: it was re-created or the failure was transient; copying it in place replicates it.',
    );
  }
  return checkResult(check, causes, unverified, notes);
}
