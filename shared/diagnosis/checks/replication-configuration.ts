/** Does the source bucket still have the configuration and the enabled rule the event names? */
import { bucketArn, bucketNameOf } from '../arns.js';
import { type CheckResult, checkResult } from '../check-names.js';
import { type DiagnosisContext, deniedWhy } from '../context.js';
import { replicationConfigFix } from '../fixes.js';
import { findRule } from '../rule-features.js';
import { cli } from '../shell.js';
import type { Cause } from '../types.js';

export function sourceBucketNotFound(bucket: string): Cause {
  return {
    location: 'source-bucket-configuration',
    problem: 'bucket-not-found',
    missingActions: [],
    resource: bucketArn(bucket),
    summary: `The source bucket ${bucket} does not exist (any more).`,
    fix: {
      summary: `Nothing replicates from a deleted bucket; remove the event source for ${bucket} or recreate the bucket with versioning and its replication configuration.`,
      commands: [cli('aws s3api head-bucket', ['--bucket', bucket])],
    },
  };
}

export async function checkReplicationConfiguration(ctx: DiagnosisContext): Promise<CheckResult> {
  const check = 'replication-configuration';
  const { sourceBucket, destinationBucket } = ctx;
  const { ruleId } = ctx.failure;
  const read = await ctx.replication();
  switch (read.status) {
    case 'not-found':
      return checkResult(check, [sourceBucketNotFound(sourceBucket)]);
    case 'denied':
      return checkResult(
        check,
        [],
        [{ why: deniedWhy('s3:GetReplicationConfiguration', sourceBucket, read) }],
      );
    case 'ok':
      break;
    default: {
      const unhandled: never = read;
      throw new TypeError(`unhandled read ${JSON.stringify(unhandled)}`);
    }
  }
  const config = read.value;
  if (config === null) {
    return checkResult(check, [
      {
        location: 'source-bucket-configuration',
        problem: 'replication-configuration-missing',
        missingActions: [],
        resource: bucketArn(sourceBucket),
        summary: `The source bucket ${sourceBucket} has no replication configuration: it was deleted after the object was written.`,
        fix: {
          summary: `Put back a replication configuration on ${sourceBucket} with the rule ${ruleId} to ${destinationBucket} (save it as replication.json), then re-drive the failed objects.`,
          commands: [
            cli(
              'aws s3api put-bucket-replication',
              ['--bucket', sourceBucket],
              ['--replication-configuration', 'file://replication.json'],
            ),
          ],
        },
      },
    ]);
  }
  const rule = findRule(config, ruleId);
  if (!rule) {
    const ids = (config.Rules ?? []).map((r) => r.ID ?? '(no ID)');
    return checkResult(check, [
      {
        location: 'source-bucket-configuration',
        problem: 'replication-configuration-missing',
        missingActions: [],
        resource: bucketArn(sourceBucket),
        summary: `The rule ${ruleId} is gone from the replication configuration of ${sourceBucket}.`,
        fix: replicationConfigFix(
          sourceBucket,
          `Add the rule ${ruleId} (destination ${destinationBucket}) back to the replication configuration of ${sourceBucket}: the first command saves the configuration to replication.json, the second puts the edited file back.`,
        ),
        evidence: [`rules in the configuration: ${ids.length > 0 ? ids.join(', ') : 'none'}`],
      },
    ]);
  }
  const notes: string[] = [];
  const configured = bucketNameOf(rule.Destination.Bucket);
  if (configured !== destinationBucket) {
    notes.push(
      `The rule ${ruleId} now replicates to ${configured}, not to ${destinationBucket} as when the event was sent.`,
    );
  }
  if (rule.Status !== 'Enabled') {
    return checkResult(
      check,
      [
        {
          location: 'source-bucket-configuration',
          problem: 'rule-disabled',
          missingActions: [],
          resource: bucketArn(sourceBucket),
          summary: `The replication rule ${ruleId} of ${sourceBucket} is ${rule.Status || 'not enabled'}.`,
          fix: replicationConfigFix(
            sourceBucket,
            `Set "Status": "Enabled" on the rule ${ruleId}: the first command saves the configuration to replication.json, the second puts the edited file back.`,
          ),
          evidence: [`rule ${ruleId}: Status ${rule.Status}`],
        },
      ],
      [],
      notes,
    );
  }
  return checkResult(check, [], [], notes);
}
