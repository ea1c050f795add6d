/**
 * The CSV manifest of a Batch Replication job (`S3BatchOperations_CSV_20180820`, fields Bucket, Key,
 * VersionId): one line per failed object version, written from the ledger, never from a bucket listing.
 */
import { ManifestRowError } from './errors.js';

export interface ManifestRow {
  bucket: string;
  key: string;
  versionId?: string;
}

// Bucket names (including legacy us-east-1 ones) use only these characters, none of which CSV treats specially.
const BUCKET_NAME = /^[A-Za-z0-9._-]+$/;
// Version IDs are written as S3 returned them; these characters would break the CSV line.
const CSV_BREAKING = /[,"\r\n]/;

/** The whole manifest: a line per row, each ending in a newline. */
export function manifestCsv(rows: Iterable<ManifestRow>): string {
  const lines: string[] = [];
  for (const row of rows) lines.push(manifestLine(row, lines.length));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/**
 * Batch Operations requires the keys in a CSV manifest URL-encoded. Every byte outside the unreserved set is
 * percent-encoded (a space as `%20`, never `+`, and `+` itself as `%2B`), so the line reads the same whether
 * S3 decodes it as a URI or as a form; commas, quotes and newlines in keys cannot break the CSV.
 * Slashes stay literal, as in the AWS examples.
 */
export function encodeManifestKey(key: string): string {
  return encodeURIComponent(key).replaceAll('%2F', '/');
}

function manifestLine(row: ManifestRow, index: number): string {
  if (!BUCKET_NAME.test(row.bucket))
    throw new ManifestRowError(index, `"${row.bucket}" is not a bucket name`);
  if (row.key.length === 0) throw new ManifestRowError(index, `s3://${row.bucket} has an empty key`);
  if (row.versionId === undefined || row.versionId.length === 0)
    // Replication only exists on versioned buckets, and a manifest with a VersionId column needs one on every row.
    throw new ManifestRowError(index, `s3://${row.bucket}/${row.key} has no version ID`);
  if (CSV_BREAKING.test(row.versionId))
    throw new ManifestRowError(index, `version ID "${row.versionId}" contains a comma, quote or line break`);
  return `${row.bucket},${encodeKey(row, index)},${row.versionId}`;
}

function encodeKey(row: ManifestRow, index: number): string {
  try {
    return encodeManifestKey(row.key);
  } catch (cause) {
    // Only a lone UTF-16 surrogate cannot be encoded, and such a string is no S3 key.
    throw new ManifestRowError(index, `the key in s3://${row.bucket} is not valid Unicode`, { cause });
  }
}
