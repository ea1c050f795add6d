/**
 * An S3 client made when first needed. The act function copies only for retriggers and the sweep only for
 * re-drives; `import()` of this small module (not of the whole SDK package, which would keep every command)
 * keeps S3 out of their cold start otherwise.
 */
import { S3Client } from '@aws-sdk/client-s3';

export function createS3Client(region: string): S3Client {
  return new S3Client({ region });
}
