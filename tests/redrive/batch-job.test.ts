import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateJobCommand, DescribeJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSdkError } from '../../shared/aws/sdk-error.js';
import { type BatchJobConfig, createBatchReplication } from '../../shared/redrive/batch-job.js';
import {
  BatchJobConflictError,
  BatchJobError,
  JobReportUnavailableError,
  ManifestRowError,
} from '../../shared/redrive/errors.js';
import { type ManifestRow, manifestCsv } from '../../shared/redrive/manifest.js';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);

const CONFIG: BatchJobConfig = {
  accountId: '123456789012',
  region: 'us-east-1',
  roleArn: 'arn:aws:iam::123456789012:role/S3BatchReplicationRole',
  manifestBucket: 'my-redrive-manifests-use1',
  reportBucket: 'my-redrive-reports-use1',
  prefix: 's3-replication-doctor',
};
const INCIDENT = '0123456789abcdef';
const JOB_ID = '4f9c2a7e-3b1d-4c8e-9a6f-1d2e3c4b5a69';
const ROWS: ManifestRow[] = [
  { bucket: 'my-source-bucket-use1', key: 'invoices/inv 1.pdf', versionId: 'v1' },
  { bucket: 'my-source-bucket-use1', key: 'invoices/inv+2.pdf', versionId: 'v2' },
];

function batch(config: Partial<BatchJobConfig> = {}) {
  return createBatchReplication({
    s3: new S3Client({ region: 'us-east-1' }),
    s3control: new S3ControlClient({ region: 'us-east-1' }),
    config: { ...CONFIG, ...config },
  });
}

beforeEach(() => {
  s3.reset();
  s3control.reset();
  s3.on(PutObjectCommand).resolves({ ETag: '"9b2cf535f27731c974343645a3985328"' });
  s3control.on(CreateJobCommand).resolves({ JobId: JOB_ID });
});

describe('starting a Batch Replication job', () => {
  it('writes the manifest from the rows under <prefix>/manifests/<incident>/<attempt>.csv, never overwriting', async () => {
    // Act
    const started = await batch().start({ incidentId: INCIDENT, attempt: 1, rows: ROWS });

    // Assess
    expect(started).toEqual({
      jobId: JOB_ID,
      manifestKey: `s3-replication-doctor/manifests/${INCIDENT}/1.csv`,
      requests: 2,
    });
    const puts = s3.commandCalls(PutObjectCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0]?.args[0].input).toEqual({
      Bucket: 'my-redrive-manifests-use1',
      Key: `s3-replication-doctor/manifests/${INCIDENT}/1.csv`,
      Body: manifestCsv(ROWS),
      ContentType: 'text/csv',
      IfNoneMatch: '*',
      ExpectedBucketOwner: '123456789012',
    });
    expect(puts[0]?.args[0].input.Body).toBe(
      'my-source-bucket-use1,invoices/inv%201.pdf,v1\nmy-source-bucket-use1,invoices/inv%2B2.pdf,v2\n',
    );
  });

  it('creates an S3ReplicateObject job over that manifest with a report of every task', async () => {
    // Act
    await batch().start({ incidentId: INCIDENT, attempt: 2, rows: ROWS });

    // Assess
    const creates = s3control.commandCalls(CreateJobCommand);
    expect(creates).toHaveLength(1);
    expect(creates[0]?.args[0].input).toEqual({
      AccountId: '123456789012',
      ConfirmationRequired: false,
      Operation: { S3ReplicateObject: {} },
      Manifest: {
        Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key', 'VersionId'] },
        Location: {
          ObjectArn: `arn:aws:s3:::my-redrive-manifests-use1/s3-replication-doctor/manifests/${INCIDENT}/2.csv`,
          ETag: '9b2cf535f27731c974343645a3985328',
        },
      },
      Report: {
        Bucket: 'arn:aws:s3:::my-redrive-reports-use1',
        Format: 'Report_CSV_20180820',
        Enabled: true,
        Prefix: `s3-replication-doctor/reports/${INCIDENT}/2`,
        ReportScope: 'AllTasks',
        ExpectedBucketOwner: '123456789012',
      },
      ClientRequestToken: `${INCIDENT}-2`,
      Priority: 10,
      RoleArn: 'arn:aws:iam::123456789012:role/S3BatchReplicationRole',
      Description: `s3-replication-doctor re-drive of incident ${INCIDENT}, attempt 2`,
    });
  });

  it('pins the manifest version when the manifest bucket is versioned', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({ ETag: '"abc"', VersionId: 'manifest-v1' });

    // Act
    await batch().start({ incidentId: INCIDENT, attempt: 1, rows: ROWS });

    // Assess
    expect(s3control.commandCalls(CreateJobCommand)[0]?.args[0].input.Manifest?.Location).toEqual({
      ObjectArn: `arn:aws:s3:::my-redrive-manifests-use1/s3-replication-doctor/manifests/${INCIDENT}/1.csv`,
      ETag: 'abc',
      ObjectVersionId: 'manifest-v1',
    });
  });

  it('sends the same request when a start is retried, so S3 Control returns the job it already created', async () => {
    // Prepare: S3 Control answers a repeated token with the first job.
    const jobsByToken = new Map<string, string>();
    s3control.on(CreateJobCommand).callsFake((input: { ClientRequestToken: string }) => {
      const jobId = jobsByToken.get(input.ClientRequestToken) ?? `job-${jobsByToken.size + 1}`;
      jobsByToken.set(input.ClientRequestToken, jobId);
      return { JobId: jobId };
    });
    const redrive = batch();

    // Act
    const first = await redrive.start({ incidentId: INCIDENT, attempt: 1, rows: ROWS });
    const retried = await redrive.start({ incidentId: INCIDENT, attempt: 1, rows: ROWS });
    const next = await redrive.start({ incidentId: INCIDENT, attempt: 2, rows: ROWS });

    // Assess
    expect(retried.jobId).toBe(first.jobId);
    expect(next.jobId).not.toBe(first.jobId);
    const inputs = s3control.commandCalls(CreateJobCommand).map((call) => call.args[0].input);
    expect(inputs[1]).toEqual(inputs[0]);
  });

  it('keeps the manifest an earlier start of the same attempt wrote, and creates the job over it', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(
      createSdkError({
        name: 'PreconditionFailed',
        message: 'At least one of the pre-conditions you specified did not hold',
        httpStatusCode: 412,
      }),
    );
    s3.on(HeadObjectCommand).resolves({ ETag: '"first-manifest-etag"', VersionId: 'first' });

    // Act
    const started = await batch().start({ incidentId: INCIDENT, attempt: 1, rows: ROWS });

    // Assess
    expect(started.requests).toBe(3);
    expect(s3.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'my-redrive-manifests-use1',
      Key: `s3-replication-doctor/manifests/${INCIDENT}/1.csv`,
      ExpectedBucketOwner: '123456789012',
    });
    expect(s3control.commandCalls(CreateJobCommand)[0]?.args[0].input.Manifest?.Location).toMatchObject({
      ETag: 'first-manifest-etag',
      ObjectVersionId: 'first',
    });
  });

  it('throws a BatchJobError when the existing manifest cannot be read back', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(
      createSdkError({ name: 'PreconditionFailed', message: 'exists', httpStatusCode: 412 }),
    );
    const denied = createSdkError({ name: 'AccessDenied', message: 'Access Denied', httpStatusCode: 403 });
    s3.on(HeadObjectCommand).rejects(denied);

    // Act
    const error = await batch()
      .start({ incidentId: INCIDENT, attempt: 1, rows: ROWS })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(BatchJobError);
    expect((error as Error).message).toMatch(/HeadObject of the existing manifest/);
    expect((error as Error).cause).toBe(denied);
    expect(s3control.commandCalls(CreateJobCommand)).toHaveLength(0);
  });

  it('reports a token reused with other parameters as a conflict that needs the next attempt', async () => {
    // Prepare
    s3control
      .on(CreateJobCommand)
      .rejects(
        createSdkError({ name: 'IdempotencyException', message: 'token reused', httpStatusCode: 409 }),
      );

    // Act / Assess
    const start = batch().start({ incidentId: INCIDENT, attempt: 1, rows: ROWS });
    await expect(start).rejects.toThrow(BatchJobConflictError);
    await expect(start).rejects.toThrow(/use the next attempt/);
  });

  it('throws a BatchJobError carrying the SDK error when CreateJob fails', async () => {
    // Prepare
    const throttled = createSdkError({
      name: 'TooManyRequestsException',
      message: 'slow down',
      httpStatusCode: 429,
    });
    s3control.on(CreateJobCommand).rejects(throttled);

    // Act
    const error = await batch()
      .start({ incidentId: INCIDENT, attempt: 1, rows: ROWS })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(BatchJobError);
    expect(error).not.toBeInstanceOf(BatchJobConflictError);
    expect((error as Error).cause).toBe(throttled);
  });

  it('creates no job when the manifest cannot be written', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(
      createSdkError({ name: 'AccessDenied', message: 'Access Denied', httpStatusCode: 403 }),
    );

    // Act / Assess
    await expect(batch().start({ incidentId: INCIDENT, attempt: 1, rows: ROWS })).rejects.toThrow(
      /PutObject of the manifest s3:\/\/my-redrive-manifests-use1\/.+ failed/,
    );
    expect(s3control.commandCalls(CreateJobCommand)).toHaveLength(0);
  });

  it('fails when S3 returns no ETag for the manifest, since CreateJob needs it', async () => {
    s3.on(PutObjectCommand).resolves({});
    await expect(batch().start({ incidentId: INCIDENT, attempt: 1, rows: ROWS })).rejects.toThrow(/no ETag/);
    expect(s3control.commandCalls(CreateJobCommand)).toHaveLength(0);
  });

  it('fails when CreateJob answers without a job ID', async () => {
    s3control.on(CreateJobCommand).resolves({});
    await expect(batch().start({ incidentId: INCIDENT, attempt: 1, rows: ROWS })).rejects.toThrow(
      /returned no job ID/,
    );
  });

  it('writes nothing for a row without a version ID', async () => {
    // Act / Assess
    await expect(
      batch().start({
        incidentId: INCIDENT,
        attempt: 1,
        rows: [...ROWS, { bucket: 'my-source-bucket-use1', key: 'x' }],
      }),
    ).rejects.toThrow(ManifestRowError);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('refuses rows from more than one bucket, since one job replicates one source bucket', async () => {
    const rows = [...ROWS, { bucket: 'another-bucket', key: 'x', versionId: 'v' }];
    await expect(batch().start({ incidentId: INCIDENT, attempt: 1, rows })).rejects.toThrow(
      /row 2: bucket another-bucket differs from my-source-bucket-use1/,
    );
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('refuses an empty re-drive, an attempt below 1 and an ID unfit for a key or token', async () => {
    const redrive = batch();
    await expect(redrive.start({ incidentId: INCIDENT, attempt: 1, rows: [] })).rejects.toThrow(/no objects/);
    await expect(redrive.start({ incidentId: INCIDENT, attempt: 0, rows: ROWS })).rejects.toThrow(RangeError);
    await expect(redrive.start({ incidentId: INCIDENT, attempt: 1.5, rows: ROWS })).rejects.toThrow(
      RangeError,
    );
    await expect(redrive.start({ incidentId: '../etc', attempt: 1, rows: ROWS })).rejects.toThrow(
      /incident ID/,
    );
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('puts keys at the bucket root when the prefix is empty, and trims slashes around it', async () => {
    // Act
    const root = await batch({ prefix: '' }).start({ incidentId: INCIDENT, attempt: 1, rows: ROWS });
    const slashed = await batch({ prefix: '/doctor/' }).start({
      incidentId: INCIDENT,
      attempt: 1,
      rows: ROWS,
    });

    // Assess
    expect(root.manifestKey).toBe(`manifests/${INCIDENT}/1.csv`);
    expect(slashed.manifestKey).toBe(`doctor/manifests/${INCIDENT}/1.csv`);
    const reports = s3control.commandCalls(CreateJobCommand).map((call) => call.args[0].input.Report?.Prefix);
    expect(reports).toEqual([`reports/${INCIDENT}/1`, `doctor/reports/${INCIDENT}/1`]);
  });

  it('names the buckets with the partition of the Region, and takes a configured priority', async () => {
    // Act
    await batch({ region: 'cn-north-1', priority: 50 }).start({
      incidentId: INCIDENT,
      attempt: 1,
      rows: ROWS,
    });

    // Assess
    const input = s3control.commandCalls(CreateJobCommand)[0]?.args[0].input;
    expect(input?.Manifest?.Location?.ObjectArn).toMatch(/^arn:aws-cn:s3:::my-redrive-manifests-use1\//);
    expect(input?.Report?.Bucket).toBe('arn:aws-cn:s3:::my-redrive-reports-use1');
    expect(input?.Priority).toBe(50);
  });
});

describe('following a job', () => {
  it('asks S3 Control for the job in the configured account and maps its status and progress', async () => {
    // Prepare
    s3control.on(DescribeJobCommand).resolves({
      Job: {
        JobId: JOB_ID,
        Status: 'Active',
        ProgressSummary: { TotalNumberOfTasks: 1000, NumberOfTasksSucceeded: 400, NumberOfTasksFailed: 3 },
      },
    });

    // Act
    const status = await batch().status(JOB_ID);

    // Assess
    expect(status).toEqual({ state: 'running', total: 1000, succeeded: 400, failed: 3 });
    expect(s3control.commandCalls(DescribeJobCommand)[0]?.args[0].input).toEqual({
      AccountId: '123456789012',
      JobId: JOB_ID,
    });
  });

  it('gives the failure reasons of a failed job', async () => {
    s3control.on(DescribeJobCommand).resolves({
      Job: {
        Status: 'Failed',
        FailureReasons: [{ FailureCode: 'AccessDenied', FailureReason: 'Reading the manifest is forbidden' }],
      },
    });
    await expect(batch().status(JOB_ID)).resolves.toEqual({
      state: 'failed',
      reason: 'AccessDenied: Reading the manifest is forbidden',
    });
  });

  it('throws a BatchJobError carrying the SDK error when DescribeJob fails', async () => {
    // Prepare
    const missing = createSdkError({
      name: 'NotFoundException',
      message: 'no such job',
      httpStatusCode: 404,
    });
    s3control.on(DescribeJobCommand).rejects(missing);

    // Act
    const error = await batch()
      .status(JOB_ID)
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(BatchJobError);
    expect((error as Error).cause).toBe(missing);
  });

  it('fails when DescribeJob answers without a job', async () => {
    s3control.on(DescribeJobCommand).resolves({});
    await expect(batch().status(JOB_ID)).rejects.toThrow(/returned no job/);
  });

  it('has no report to read while the job runs', async () => {
    s3control.on(DescribeJobCommand).resolves({ Job: { Status: 'Completing' } });
    await expect(batch().report(JOB_ID)).rejects.toThrow(JobReportUnavailableError);
    await expect(batch().report(JOB_ID)).rejects.toThrow(/is Completing/);
  });

  it('has no report to read for a job created without one', async () => {
    s3control.on(DescribeJobCommand).resolves({
      Job: { Status: 'Complete', Report: { Enabled: false } },
    });
    await expect(batch().report(JOB_ID)).rejects.toThrow(/created without a completion report/);
  });

  it('fails when the job reports to something that is not a bucket ARN', async () => {
    s3control.on(DescribeJobCommand).resolves({
      Job: {
        Status: 'Complete',
        Report: { Enabled: true, Bucket: 'arn:aws:sqs:us-east-1:123456789012:queue' },
      },
    });
    await expect(batch().report(JOB_ID)).rejects.toThrow(/is not a bucket ARN/);
  });
});
