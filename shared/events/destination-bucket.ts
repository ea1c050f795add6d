/**
 * `replicationEventData.destinationBucket` is a bucket ARN (`arn:aws:s3:::name`). A bare name is accepted
 * too, since relays and hand-written events often carry one.
 */

export type DestinationBucketParse = { ok: true; name: string; arn: string } | { ok: false; problem: string };

const BUCKET_ARN = /^arn:(aws[a-z-]*):s3:::(.*)$/;
// Loose on purpose: legacy us-east-1 buckets may hold capitals and underscores and be up to 255 characters.
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;

export function parseDestinationBucket(value: string, sourceRegion: string): DestinationBucketParse {
  const arn = BUCKET_ARN.exec(value);
  if (arn) {
    const [, partition = 'aws', name = ''] = arn;
    if (!BUCKET_NAME.test(name)) {
      return {
        ok: false,
        problem: `is not an S3 bucket ARN (arn:${partition}:s3:::bucket-name): "${value}"`,
      };
    }
    return { ok: true, name, arn: value };
  }
  if (value.startsWith('arn:')) {
    return { ok: false, problem: `is not an S3 bucket ARN (arn:aws:s3:::bucket-name): "${value}"` };
  }
  if (!BUCKET_NAME.test(value)) {
    return { ok: false, problem: `is neither an S3 bucket ARN nor a bucket name: "${value}"` };
  }
  return { ok: true, name: value, arn: `arn:${partitionOf(sourceRegion)}:s3:::${value}` };
}

/** Replication never crosses partitions, so the source Region names the destination's partition too. */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
