/**
 * Reading a Batch Operations completion report (`Report_CSV_20180820`). S3 writes a `manifest.json` under
 * `<prefix>/job-<id>/` that lists the result CSV files; each CSV line is one task:
 * Bucket, Key (URL-encoded, as in the job's manifest), VersionId, TaskStatus, then the HTTP status, the error
 * code and the result message.
 */

import { FAILURE_REASONS, isKnownFailureReason } from '../events/failure-reasons.js';
import { decodeS3EventKey } from '../events/s3-key-encoding.js';
import { type CsvRecord, parseCsv } from './csv.js';
import { JobReportFormatError } from './errors.js';

export type TaskStatus = 'succeeded' | 'failed';

export interface JobReportRow {
  bucket: string;
  key: string;
  versionId?: string;
  taskStatus: TaskStatus;
  /** For a failed replication task, the replication failure reason (e.g. `DstPutObjectNotPermitted`) when S3 gave one. */
  errorCode?: string;
  httpStatus?: number;
  resultMessage?: string;
}

export interface JobReportResultFile {
  bucket: string;
  key: string;
  taskStatus: TaskStatus;
}

export const JOB_REPORT_FORMAT = 'Report_CSV_20180820';

export function parseJobReportManifest(json: string): { resultFiles: JobReportResultFile[] } {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (cause) {
    throw new JobReportFormatError('the report manifest.json is not JSON', { cause });
  }
  if (!isRecord(document)) throw new JobReportFormatError('the report manifest.json is not a JSON object');
  if (document.Format !== JOB_REPORT_FORMAT)
    throw new JobReportFormatError(
      `the report format is ${JSON.stringify(document.Format)}, expected "${JOB_REPORT_FORMAT}"`,
    );
  // A job whose tasks all failed before a result file was written lists none.
  const results = document.Results ?? [];
  if (!Array.isArray(results)) throw new JobReportFormatError('the report manifest.json has no Results list');
  return { resultFiles: results.map(toResultFile) };
}

function toResultFile(entry: unknown, index: number): JobReportResultFile {
  if (!isRecord(entry)) throw new JobReportFormatError(`report Results[${index}] is not an object`);
  const { Bucket: bucket, Key: key, TaskExecutionStatus: status } = entry;
  if (typeof bucket !== 'string' || bucket === '' || typeof key !== 'string' || key === '')
    throw new JobReportFormatError(`report Results[${index}] has no Bucket and Key`);
  const taskStatus = readTaskStatus(status);
  if (!taskStatus)
    throw new JobReportFormatError(
      `report Results[${index}] has TaskExecutionStatus ${JSON.stringify(status)}, expected succeeded or failed`,
    );
  return { bucket, key, taskStatus };
}

export function parseJobReportCsv(text: string): JobReportRow[] {
  const parsed = parseCsv(text);
  if (!parsed.ok) throw new JobReportFormatError(`report CSV ${parsed.problem}`);
  return parsed.records.map(toReportRow);
}

const HTTP_STATUS = /^\d{3}$/;

function toReportRow(record: CsvRecord): JobReportRow {
  const [bucket = '', rawKey = '', versionId = '', status, fifth = '', sixth = '', ...message] =
    record.fields;
  const taskStatus = readTaskStatus(status);
  if (record.fields.length < 4 || !taskStatus)
    throw new JobReportFormatError(
      `report CSV line ${record.line}: expected Bucket, Key, VersionId, TaskStatus (succeeded or failed), got ${JSON.stringify(record.fields.slice(0, 4))}`,
    );
  const decoded = decodeS3EventKey(rawKey);
  if (!decoded.ok)
    throw new JobReportFormatError(`report CSV line ${record.line}: key ${decoded.problem}`, {
      cause: decoded.cause,
    });
  const { httpStatus, code: reportedCode } = splitStatusAndCode(fifth, sixth);
  // A message that S3 left unquoted would have been split at its commas.
  const resultMessage = message.length > 0 ? message.join(',') : undefined;
  const errorCode =
    taskStatus === 'failed'
      ? (replicationFailureReason(reportedCode, resultMessage) ?? reportedCode)
      : reportedCode;
  return {
    bucket,
    key: decoded.key,
    ...(versionId ? { versionId } : {}),
    taskStatus,
    ...(errorCode ? { errorCode } : {}),
    ...(httpStatus === undefined ? {} : { httpStatus }),
    ...(resultMessage ? { resultMessage } : {}),
  };
}

/**
 * The manifest.json schema names ErrorCode before HTTPStatusCode, but the files S3 writes (and the AWS
 * examples) put the status first: whichever of the two is a three-digit number is the status.
 */
function splitStatusAndCode(fifth: string, sixth: string): { httpStatus?: number; code: string } {
  if (HTTP_STATUS.test(fifth)) return { httpStatus: Number(fifth), code: sixth };
  if (HTTP_STATUS.test(sixth)) return { httpStatus: Number(sixth), code: fifth };
  return { code: fifth || sixth };
}

const FAILURE_REASON_IN_TEXT = new RegExp(
  `\\b(${Object.keys(FAILURE_REASONS)
    .sort((a, b) => b.length - a.length)
    .join('|')})\\b`,
);

/**
 * A failed S3ReplicateObject task carries the replication failure reason either as its error code or inside
 * its message; that reason is what the circuit breaker compares with the incident's cause.
 */
function replicationFailureReason(code: string, message: string | undefined): string | undefined {
  if (isKnownFailureReason(code)) return code;
  return FAILURE_REASON_IN_TEXT.exec(`${code} ${message ?? ''}`)?.[1];
}

function readTaskStatus(value: unknown): TaskStatus | undefined {
  return value === 'succeeded' || value === 'failed' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
