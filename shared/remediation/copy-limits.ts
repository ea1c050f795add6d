/** S3's size limits for copies (CopyObject, UploadPartCopy), in bytes. */

export const MIB = 1024 ** 2;
export const GIB = 1024 ** 3;

/** The largest source a single CopyObject takes; larger objects need a multipart copy. */
export const MAX_SINGLE_COPY_BYTES = 5 * GIB;
/** The largest S3 object ("50 TB" in the CopyObject docs, 48.8 TiB elsewhere: 50,000 GiB). */
export const MAX_OBJECT_BYTES = 50_000 * GIB;
export const MIN_PART_BYTES = 5 * MIB;
export const MAX_PART_BYTES = 5 * GIB;
export const MAX_PARTS = 10_000;
export const DEFAULT_PART_BYTES = 512 * MIB;
export const DEFAULT_MAX_CONCURRENT_PARTS = 8;
