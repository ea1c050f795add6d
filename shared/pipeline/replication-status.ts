import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';

// HeadObject has no body, so a missing key or version comes back by status: 404 (NotFound, NoSuchKey,
// NoSuchVersion), or 405 for a version that is a delete marker.
const GONE_STATUSES = new Set([404, 405]);
const GONE_NAMES = new Set(['NotFound', 'NoSuchKey', 'NoSuchVersion', 'MethodNotAllowed']);

/**
 * An object's replication status (`HeadObject` → `ReplicationStatus`), or undefined when S3 sends none —
 * including when the object is gone since (deleted, expired, a delete marker): there is nothing left to
 * replicate, and a verification must not wait on it forever. Other errors (throttling, access) throw.
 */
export async function replicationStatusOf(
  s3: S3Client,
  object: { bucket: string; key: string; versionId?: string },
): Promise<string | undefined> {
  try {
    const head = await s3.send(
      new HeadObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        ...(object.versionId ? { VersionId: object.versionId } : {}),
      }),
    );
    return head.ReplicationStatus;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const name = error instanceof Error ? error.name : '';
    if ((status !== undefined && GONE_STATUSES.has(status)) || GONE_NAMES.has(name)) return undefined;
    throw error;
  }
}
