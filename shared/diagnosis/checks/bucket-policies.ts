/**
 * The bucket policies of both sides. Same account: a bucket policy can only stop the role (an explicit
 * deny). Another account: the destination bucket policy must also allow the role what it needs.
 */
import { bucketArn } from '../arns.js';
import { type CheckName, type CheckResult, checkResult } from '../check-names.js';
import type { DiagnosisContext } from '../context.js';
import { bucketPolicyAllowFix } from '../fixes.js';
import { failuresOf } from '../permission-causes.js';
import type { Side } from '../reads.js';
import { type S3Access, s3Access } from '../s3-access.js';
import { cli } from '../shell.js';
import type { Cause } from '../types.js';
import { sourceBucketNotFound } from './replication-configuration.js';
import { permissionSetting, s3PermissionCauses, scopeOf } from './s3-permissions.js';

export function destinationBucketNotFound(bucket: string): Cause {
  return {
    location: 'destination-bucket-configuration',
    problem: 'bucket-not-found',
    missingActions: [],
    resource: bucketArn(bucket),
    summary: `The destination bucket ${bucket} does not exist (deleted, or the rule names the wrong bucket).`,
    fix: {
      summary: `Create ${bucket} with versioning enabled in the region and account the rule expects, or point the rule at an existing bucket.`,
      commands: [
        cli('aws s3api create-bucket', ['--bucket', bucket]),
        cli(
          'aws s3api put-bucket-versioning',
          ['--bucket', bucket],
          ['--versioning-configuration', 'Status=Enabled'],
        ),
      ],
    },
  };
}

async function checkBucketPolicy(ctx: DiagnosisContext, side: Side): Promise<CheckResult> {
  const check: CheckName = side === 'source' ? 'source-bucket-policy' : 'destination-bucket-policy';
  const access: S3Access = await s3Access(ctx);
  if (access.status === 'unreadable')
    return checkResult(check, [], [{ why: `the role is unknown: ${access.why}` }]);
  if (access.status === 'absent') return checkResult(check);
  const bucket = side === 'source' ? ctx.sourceBucket : ctx.destinationBucket;
  const policy = side === 'source' ? access.sourcePolicy : access.destinationPolicy;
  switch (policy.status) {
    case 'not-needed':
      return checkResult(check);
    case 'bucket-not-found':
      return checkResult(check, [
        side === 'source' ? sourceBucketNotFound(bucket) : destinationBucketNotFound(bucket),
      ]);
    case 'unreadable': {
      const crossAccount = side === 'destination' && access.destination.crossAccount;
      const evaluation = access.evaluations.find((e) => e.side === side);
      if (!crossAccount || !evaluation) return checkResult(check, [], [{ why: policy.why }]);
      // The policy could not be read, but what it has to contain is known: say it.
      const setting = permissionSetting(ctx, access);
      const grant = setting.bucket?.destination?.grantActions ?? [];
      const fix = bucketPolicyAllowFix(
        setting.role,
        grant,
        scopeOf(evaluation),
        access.destination.account,
        undefined,
      );
      return checkResult(
        check,
        [],
        [
          {
            why: `${policy.why}; it must allow the role ${grant.join(', ')} on ${evaluation.pattern}`,
            fix,
          },
        ],
      );
    }
    case 'ok':
      break;
    default: {
      const unhandled: never = policy;
      throw new TypeError(`unhandled policy state ${JSON.stringify(unhandled)}`);
    }
  }
  const failures = access.evaluations
    .filter((evaluation) => evaluation.side === side)
    .flatMap((evaluation) =>
      failuresOf(
        evaluation.result,
        evaluation.request,
        scopeOf(evaluation),
        ['resource'],
        evaluation.need.denyOnly,
      ),
    );
  return checkResult(check, s3PermissionCauses(ctx, access, failures));
}

export const checkSourceBucketPolicy = (ctx: DiagnosisContext): Promise<CheckResult> =>
  checkBucketPolicy(ctx, 'source');

export const checkDestinationBucketPolicy = (ctx: DiagnosisContext): Promise<CheckResult> =>
  checkBucketPolicy(ctx, 'destination');
