/** Replication needs versioning enabled on the source (a suspended bucket stops it). */
import { bucketArn } from '../arns.js';
import { type CheckResult, checkResult } from '../check-names.js';
import { type DiagnosisContext, deniedWhy } from '../context.js';
import { versioningFix } from '../fixes.js';
import { sourceBucketNotFound } from './replication-configuration.js';

export async function checkSourceVersioning(ctx: DiagnosisContext): Promise<CheckResult> {
  const check = 'source-versioning';
  const bucket = ctx.sourceBucket;
  const read = await ctx.sourceVersioning();
  switch (read.status) {
    case 'not-found':
      return checkResult(check, [sourceBucketNotFound(bucket)]);
    case 'denied':
      return checkResult(check, [], [{ why: deniedWhy('s3:GetBucketVersioning', bucket, read) }]);
    case 'ok':
      if (read.value === 'Enabled') return checkResult(check);
      return checkResult(check, [
        {
          location: 'source-bucket-configuration',
          problem: 'versioning-not-enabled',
          missingActions: [],
          resource: bucketArn(bucket),
          summary: `Versioning on the source bucket ${bucket} is ${read.value === 'Suspended' ? 'suspended' : 'not enabled'}; replication needs it enabled.`,
          fix: versioningFix(bucket),
          evidence: [`GetBucketVersioning ${bucket}: ${read.value ?? 'never enabled'}`],
        },
      ]);
    default: {
      const unhandled: never = read;
      throw new TypeError(`unhandled read ${JSON.stringify(unhandled)}`);
    }
  }
}
