/**
 * Re-driving an incident's failed objects with S3 Batch Replication: the manifest is written from the
 * ledger's rows, one `S3ReplicateObject` job runs over it with a completion report of every task, and the
 * job runner (batchJobs, shared/incidents/batch-jobs.ts) polls the job and reads the report back into the ledger.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateJobCommand,
  type CreateJobCommandInput,
  DescribeJobCommand,
  type JobDescriptor,
  type S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { parseArn } from '../aws/arn.js';
import { readAwsErrorFields } from '../aws/sdk-error.js';
import {
  BatchJobConflictError,
  BatchJobError,
  JobReportUnavailableError,
  ManifestRowError,
} from './errors.js';
import { type JobReportRow, parseJobReportCsv, parseJobReportManifest } from './job-report.js';
import { type JobProgress, readJobProgress } from './job-status.js';
import { type ManifestRow, manifestCsv } from './manifest.js';

export interface BatchJobConfig {
  /** The account that owns the job, the source bucket and the manifest and report buckets. */
  accountId: string;
  /** The source bucket's Region: Batch Replication jobs must be created there. */
  region: string;
  /** The Batch Operations role (trusts batchoperations.s3.amazonaws.com, may s3:InitiateReplication). */
  roleArn: string;
  manifestBucket: string;
  reportBucket: string;
  /** Key prefix for manifests and reports; may be empty. */
  prefix: string;
  /** Job priority; higher runs first among the account's jobs. */
  priority?: number;
}

export interface StartInput {
  incidentId: string;
  /** 1 for the first re-drive of an incident; a new number is a new job. */
  attempt: number;
  rows: ManifestRow[];
}

export interface StartedJob {
  jobId: string;
  manifestKey: string;
  /** AWS requests this start sent. */
  requests: number;
}

export interface BatchReplication {
  start(input: StartInput): Promise<StartedJob>;
  status(jobId: string): Promise<JobProgress>;
  report(jobId: string): Promise<JobReportRow[]>;
}

export const DEFAULT_JOB_PRIORITY = 10;

// Used in S3 keys and in the 64-character idempotency token.
const INCIDENT_ID = /^[A-Za-z0-9_-]{1,48}$/;

export function createBatchReplication(deps: {
  s3: S3Client;
  s3control: S3ControlClient;
  config: BatchJobConfig;
}): BatchReplication {
  const { s3, s3control, config } = deps;
  const partition = partitionOf(config.region);

  async function writeManifest(key: string, body: string): Promise<ManifestLocation> {
    const bucket = config.manifestBucket;
    const owner = { ExpectedBucketOwner: config.accountId };
    try {
      const written = await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'text/csv',
          // An earlier start of this attempt may have created a job that has yet to read its manifest:
          // overwriting it would fail that job's ETag check.
          IfNoneMatch: '*',
          ...owner,
        }),
      );
      return toLocation(bucket, key, written, 1);
    } catch (error) {
      if (error instanceof BatchJobError) throw error;
      if (!isPreconditionFailed(error))
        throw new BatchJobError(`PutObject of the manifest s3://${bucket}/${key} failed`, { cause: error });
    }
    // Keep the manifest the earlier start wrote, so the retried CreateJob is the same request and S3 Control
    // answers with the job it already created.
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ...owner }));
      return toLocation(bucket, key, head, 2);
    } catch (error) {
      if (error instanceof BatchJobError) throw error;
      throw new BatchJobError(`HeadObject of the existing manifest s3://${bucket}/${key} failed`, {
        cause: error,
      });
    }
  }

  async function describe(jobId: string): Promise<JobDescriptor> {
    let job: JobDescriptor | undefined;
    try {
      ({ Job: job } = await s3control.send(
        new DescribeJobCommand({ AccountId: config.accountId, JobId: jobId }),
      ));
    } catch (error) {
      throw new BatchJobError(`DescribeJob ${jobId} failed`, { cause: error });
    }
    if (!job) throw new BatchJobError(`DescribeJob ${jobId} returned no job`);
    return job;
  }

  async function readText(bucket: string, key: string, missing: () => Error): Promise<string> {
    try {
      const object = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, ExpectedBucketOwner: config.accountId }),
      );
      if (!object.Body) throw new BatchJobError(`GetObject s3://${bucket}/${key} returned no body`);
      return await object.Body.transformToString();
    } catch (error) {
      if (error instanceof BatchJobError) throw error;
      if (isNoSuchKey(error)) throw missing();
      throw new BatchJobError(`GetObject s3://${bucket}/${key} failed`, { cause: error });
    }
  }

  return {
    async start({ incidentId, attempt, rows }) {
      checkStartInput(incidentId, attempt, rows);
      const manifestKey = joinKey(config.prefix, 'manifests', incidentId, `${attempt}.csv`);
      const location = await writeManifest(manifestKey, manifestCsv(rows));
      const input: CreateJobCommandInput = {
        AccountId: config.accountId,
        ConfirmationRequired: false,
        Operation: { S3ReplicateObject: {} },
        Manifest: {
          Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key', 'VersionId'] },
          Location: {
            ObjectArn: `arn:${partition}:s3:::${config.manifestBucket}/${manifestKey}`,
            ETag: location.etag,
            ...(location.versionId ? { ObjectVersionId: location.versionId } : {}),
          },
        },
        Report: {
          Bucket: `arn:${partition}:s3:::${config.reportBucket}`,
          Format: 'Report_CSV_20180820',
          Enabled: true,
          Prefix: joinKey(config.prefix, 'reports', incidentId, String(attempt)),
          // Every task, not only failures: a succeeded row is what marks an object re-driven.
          ReportScope: 'AllTasks',
          ExpectedBucketOwner: config.accountId,
        },
        // The same incident and attempt is the same job: a start retried after a timeout creates no second one.
        ClientRequestToken: `${incidentId}-${attempt}`,
        Priority: config.priority ?? DEFAULT_JOB_PRIORITY,
        RoleArn: config.roleArn,
        Description: `s3-replication-doctor re-drive of incident ${incidentId}, attempt ${attempt}`,
      };
      let jobId: string | undefined;
      try {
        ({ JobId: jobId } = await s3control.send(new CreateJobCommand(input)));
      } catch (error) {
        if (readAwsErrorFields(error).name === 'IdempotencyException')
          throw new BatchJobConflictError(
            `incident ${incidentId} attempt ${attempt} was already started with other parameters; use the next attempt`,
            { cause: error },
          );
        throw new BatchJobError(`CreateJob for incident ${incidentId} attempt ${attempt} failed`, {
          cause: error,
        });
      }
      if (!jobId) throw new BatchJobError(`CreateJob for incident ${incidentId} returned no job ID`);
      return { jobId, manifestKey, requests: location.requests + 1 };
    },

    async status(jobId) {
      return readJobProgress(await describe(jobId));
    },

    async report(jobId) {
      const job = await describe(jobId);
      if (readJobProgress(job).state === 'running')
        throw new JobReportUnavailableError(
          `job ${jobId} is ${job.Status ?? 'starting'}; its report comes when it ends`,
        );
      if (!job.Report?.Enabled || !job.Report.Bucket)
        throw new JobReportUnavailableError(`job ${jobId} was created without a completion report`);
      const bucket = bucketName(job.Report.Bucket);
      if (!bucket)
        throw new BatchJobError(`job ${jobId} reports to "${job.Report.Bucket}", which is not a bucket ARN`);
      // The API reference names the file report.json; S3 writes (and the User Guide shows) manifest.json.
      const key = joinKey(job.Report.Prefix ?? '', `job-${jobId}`, 'manifest.json');
      const manifest = await readText(
        bucket,
        key,
        () =>
          new JobReportUnavailableError(
            `no completion report at s3://${bucket}/${key}: S3 writes one only once at least one task ran`,
          ),
      );
      const rows: JobReportRow[] = [];
      for (const file of parseJobReportManifest(manifest).resultFiles) {
        const text = await readText(
          file.bucket,
          file.key,
          () => new BatchJobError(`the report lists s3://${file.bucket}/${file.key}, which does not exist`),
        );
        for (const row of parseJobReportCsv(text)) rows.push(row);
      }
      return rows;
    },
  };
}

interface ManifestLocation {
  etag: string;
  versionId?: string;
  requests: number;
}

function toLocation(
  bucket: string,
  key: string,
  { ETag: etag, VersionId: versionId }: { ETag?: string | undefined; VersionId?: string | undefined },
  requests: number,
): ManifestLocation {
  if (!etag) throw new BatchJobError(`S3 returned no ETag for the manifest s3://${bucket}/${key}`);
  // CreateJob takes the bare ETag, as in the AWS examples, not the quoted HTTP header value.
  return { etag: etag.replaceAll('"', ''), ...(versionId ? { versionId } : {}), requests };
}

function checkStartInput(incidentId: string, attempt: number, rows: ManifestRow[]): void {
  if (!INCIDENT_ID.test(incidentId))
    throw new RangeError(`incident ID "${incidentId}" must be 1-48 letters, digits, - or _`);
  if (!Number.isSafeInteger(attempt) || attempt < 1)
    throw new RangeError(`attempt must be a whole number >= 1, got ${attempt}`);
  const first = rows[0];
  if (!first) throw new RangeError(`incident ${incidentId} has no objects to re-drive`);
  // One incident is one source bucket, and the job runs in that bucket's Region.
  const other = rows.findIndex((row) => row.bucket !== first.bucket);
  if (other !== -1)
    throw new ManifestRowError(other, `bucket ${rows[other]?.bucket} differs from ${first.bucket} in row 0`);
}

function joinKey(...parts: string[]): string {
  return parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part !== '')
    .join('/');
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function bucketName(value: string): string | undefined {
  if (!value.startsWith('arn:')) return value;
  const arn = parseArn(value);
  return arn?.service === 's3' && arn.resource && !arn.resource.includes('/') ? arn.resource : undefined;
}

function isPreconditionFailed(error: unknown): boolean {
  const { name, httpStatusCode } = readAwsErrorFields(error);
  return name === 'PreconditionFailed' || httpStatusCode === 412;
}

function isNoSuchKey(error: unknown): boolean {
  const { name, httpStatusCode } = readAwsErrorFields(error);
  return name === 'NoSuchKey' || httpStatusCode === 404;
}
