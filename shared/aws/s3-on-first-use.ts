import type { S3Client } from '@aws-sdk/client-s3';
import { onFirstUse } from '../on-first-use.js';

/** An S3 client for `region`, loaded and made on first use (see s3-client.ts). */
export function s3OnFirstUse(region: string): () => Promise<S3Client> {
  return onFirstUse(async () => (await import('./s3-client.js')).createS3Client(region));
}
