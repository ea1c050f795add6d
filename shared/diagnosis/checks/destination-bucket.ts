/**
 * The destination bucket: it exists, is versioned, has Object Lock when the source does, and is not
 * Requester Pays when it is in another account.
 */
import { bucketArn } from '../arns.js';
import { type CheckResult, checkResult, type Unverified } from '../check-names.js';
import { type DiagnosisContext, deniedWhy } from '../context.js';
import { objectLockFix, requesterPaysFix, versioningFix } from '../fixes.js';
import { carriesObjectLock } from '../rule-features.js';
import { destinationAccount, ruleState } from '../rule-state.js';
import type { Cause } from '../types.js';
import { destinationBucketNotFound } from './bucket-policies.js';

const lockEnabled = (config: { ObjectLockEnabled?: string } | null): boolean =>
  config?.ObjectLockEnabled === 'Enabled';

export async function checkDestinationBucket(ctx: DiagnosisContext): Promise<CheckResult> {
  const check = 'destination-bucket';
  const bucket = ctx.destinationBucket;
  const [versioning, destinationLock, sourceLock, rule, head] = await Promise.all([
    ctx.destinationVersioning(),
    ctx.destinationObjectLock(),
    ctx.sourceObjectLock(),
    ruleState(ctx),
    ctx.plan.scope === 'object' ? ctx.head() : undefined,
  ]);
  if (versioning.status === 'not-found' || destinationLock.status === 'not-found') {
    return checkResult(check, [destinationBucketNotFound(bucket)]);
  }
  const causes: Cause[] = [];
  const unverified: Unverified[] = [];
  if (versioning.status === 'denied') {
    unverified.push({ why: deniedWhy('s3:GetBucketVersioning', bucket, versioning) });
  } else if (versioning.value !== 'Enabled') {
    causes.push({
      location: 'destination-bucket-configuration',
      problem: 'versioning-not-enabled',
      missingActions: [],
      resource: bucketArn(bucket),
      summary: `Versioning on the destination bucket ${bucket} is ${versioning.value === 'Suspended' ? 'suspended' : 'not enabled'}; replication needs it enabled on both buckets.`,
      fix: versioningFix(bucket),
      evidence: [`GetBucketVersioning ${bucket}: ${versioning.value ?? 'never enabled'}`],
    });
  }

  const objectLocked = head?.status === 'ok' && carriesObjectLock(head.value);
  const sourceLocked = (sourceLock.status === 'ok' && lockEnabled(sourceLock.value)) || objectLocked;
  const destinationLocked = destinationLock.status === 'ok' && lockEnabled(destinationLock.value);
  if (!destinationLocked) {
    if (sourceLocked && destinationLock.status === 'denied') {
      unverified.push({ why: deniedWhy('s3:GetBucketObjectLockConfiguration', bucket, destinationLock) });
    } else if (sourceLocked) {
      causes.push({
        location: 'destination-bucket-configuration',
        problem: 'object-lock-not-enabled',
        missingActions: [],
        resource: bucketArn(bucket),
        summary: `The source ${ctx.sourceBucket} uses Object Lock but the destination bucket ${bucket} does not have it enabled.`,
        fix: objectLockFix(bucket),
        evidence: [
          sourceLock.status === 'ok' && lockEnabled(sourceLock.value)
            ? `Object Lock is enabled on ${ctx.sourceBucket}`
            : `the object carries Object Lock settings`,
          `Object Lock is not enabled on ${bucket}`,
        ],
      });
    } else if (sourceLock.status === 'denied') {
      unverified.push({
        why: deniedWhy('s3:GetBucketObjectLockConfiguration', ctx.sourceBucket, sourceLock),
      });
    }
  }

  if (rule.status === 'ok') {
    const destination = destinationAccount(rule);
    if (destination.crossAccount) {
      const payment = await ctx.destinationRequestPayment();
      if (payment.status === 'denied') {
        unverified.push({ why: deniedWhy('s3:GetBucketRequestPayment', bucket, payment) });
      } else if (payment.status === 'ok' && payment.value === 'Requester') {
        causes.push({
          location: 'destination-bucket-configuration',
          problem: 'requester-pays-enabled',
          missingActions: [],
          resource: bucketArn(bucket),
          summary: `The destination bucket ${bucket} (account ${destination.account}) is Requester Pays, which replication to another account does not support.`,
          fix: requesterPaysFix(bucket),
          evidence: [`GetBucketRequestPayment ${bucket}: Payer Requester`],
        });
      }
    }
  }
  return checkResult(check, causes, unverified);
}
