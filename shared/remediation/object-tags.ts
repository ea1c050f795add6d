/**
 * Tags for a multipart copy. CopyObject keeps tags with `TaggingDirective: COPY`, but CreateMultipartUpload
 * has no directive: the tags must be read and sent as `x-amz-tagging`.
 */
import { GetObjectTaggingCommand, type S3Client, type Tag } from '@aws-sdk/client-s3';
import { readAwsErrorFields } from '../aws/sdk-error.js';
import { type RequestContext, sendPacedRaw, toCopyError } from './paced-send.js';

export type ObjectTagging = { kind: 'tagging'; tagging: string } | { kind: 'denied' };

export async function readObjectTagging(
  s3: S3Client,
  context: RequestContext,
  input: { versionId?: string; expectedBucketOwner?: string },
): Promise<ObjectTagging> {
  const command = new GetObjectTaggingCommand({
    Bucket: context.bucket,
    Key: context.key,
    ...(input.versionId === undefined ? {} : { VersionId: input.versionId }),
    ...(input.expectedBucketOwner ? { ExpectedBucketOwner: input.expectedBucketOwner } : {}),
  });
  try {
    const output = await sendPacedRaw(context, 'GetObjectTagging', () => s3.send(command));
    return { kind: 'tagging', tagging: encodeTagging(output.TagSet ?? []) };
  } catch (error) {
    const { name, httpStatusCode } = readAwsErrorFields(error);
    if (name === 'AccessDenied' || httpStatusCode === 403) return { kind: 'denied' };
    throw toCopyError(context, 'GetObjectTagging', error);
  }
}

/** The tag set as `x-amz-tagging` takes it: URL query parameters, each key and value percent-encoded. */
export function encodeTagging(tags: readonly Tag[]): string {
  return tags
    .map((tag) => `${encodeURIComponent(tag.Key ?? '')}=${encodeURIComponent(tag.Value ?? '')}`)
    .join('&');
}
