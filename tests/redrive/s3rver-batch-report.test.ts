/**
 * The S3 side of a Batch Replication re-drive against a real S3-compatible server (s3rver): the manifest is
 * written and its real ETag handed to CreateJob, and the completion report is read back from real objects.
 * S3 Control, which no local server offers, is mocked.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { CreateJobCommand, DescribeJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BatchJobConfig, createBatchReplication } from '../../shared/redrive/batch-job.js';
import { BatchJobError, JobReportUnavailableError } from '../../shared/redrive/errors.js';
import { type ManifestRow, manifestCsv } from '../../shared/redrive/manifest.js';
import { type RunningS3rver, startS3rver } from '../support/s3rver.js';
import {
  FAILED_KEY,
  REPORT_BUCKET,
  REPORT_JOB_ID,
  REPORT_PREFIX,
  readReportFixture,
  SUCCEEDED_KEY,
} from './fixtures.js';

const MANIFEST_BUCKET = 'my-redrive-manifests-use1';
const CONFIG: Omit<BatchJobConfig, 'prefix'> = {
  accountId: '123456789012',
  region: 'us-east-1',
  roleArn: 'arn:aws:iam::123456789012:role/S3BatchReplicationRole',
  manifestBucket: MANIFEST_BUCKET,
  reportBucket: REPORT_BUCKET,
};

const s3control = mockClient(S3ControlClient);
let server: RunningS3rver;

beforeAll(async () => {
  server = await startS3rver();
  await server.client.send(new CreateBucketCommand({ Bucket: MANIFEST_BUCKET }));
  await server.client.send(new CreateBucketCommand({ Bucket: REPORT_BUCKET }));
  await putText(`${REPORT_PREFIX}/job-${REPORT_JOB_ID}/manifest.json`, readReportFixture('manifest.json'));
  await putText(SUCCEEDED_KEY, readReportFixture('succeeded.csv'));
  await putText(FAILED_KEY, readReportFixture('failed.csv'));
});

afterAll(async () => {
  await server?.stop();
});

beforeEach(() => {
  s3control.reset();
  s3control.on(CreateJobCommand).resolves({ JobId: REPORT_JOB_ID });
  s3control.on(DescribeJobCommand).resolves({
    Job: {
      JobId: REPORT_JOB_ID,
      Status: 'Complete',
      Report: {
        Bucket: `arn:aws:s3:::${REPORT_BUCKET}`,
        Format: 'Report_CSV_20180820',
        Enabled: true,
        Prefix: REPORT_PREFIX,
        ReportScope: 'AllTasks',
      },
    },
  });
});

async function putText(key: string, body: string): Promise<void> {
  await server.client.send(new PutObjectCommand({ Bucket: REPORT_BUCKET, Key: key, Body: body }));
}

function batch(prefix = 's3-replication-doctor') {
  return createBatchReplication({
    s3: server.client,
    s3control: new S3ControlClient({ region: 'us-east-1' }),
    config: { ...CONFIG, prefix },
  });
}

describe('a Batch Replication re-drive against real S3', () => {
  it('stores the manifest and creates the job with the ETag S3 gave it', async () => {
    // Prepare
    const rows: ManifestRow[] = [
      { bucket: 'my-source-bucket-use1', key: 'a b/ü+1.txt', versionId: 'v1' },
      { bucket: 'my-source-bucket-use1', key: 'c,"d"', versionId: 'v2' },
    ];

    // Act
    const started = await batch().start({ incidentId: '0123456789abcdef', attempt: 1, rows });

    // Assess
    const stored = await server.client.send(
      new GetObjectCommand({ Bucket: MANIFEST_BUCKET, Key: started.manifestKey }),
    );
    expect(await stored.Body?.transformToString()).toBe(manifestCsv(rows));
    const head = await server.client.send(
      new HeadObjectCommand({ Bucket: MANIFEST_BUCKET, Key: started.manifestKey }),
    );
    const location = s3control.commandCalls(CreateJobCommand)[0]?.args[0].input.Manifest?.Location;
    expect(location?.ETag).toBe(head.ETag?.replaceAll('"', ''));
    expect(location?.ETag).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reads every task of the completion report, succeeded and failed, with keys decoded', async () => {
    // Act
    const rows = await batch().report(REPORT_JOB_ID);

    // Assess
    expect(rows.map((row) => [row.key, row.taskStatus, row.errorCode])).toEqual([
      ['invoices/2024/03/inv-0001.pdf', 'succeeded', undefined],
      ['invoices/2024/03/Q1 report (final).xlsx', 'succeeded', undefined],
      ['photos/café+bar/日本.jpg', 'succeeded', undefined],
      ['notes/a,b"c\nd.txt', 'succeeded', undefined],
      ['invoices/2024/03/inv-0002.pdf', 'failed', 'DstPutObjectNotPermitted'],
      ['invoices/2024/03/inv-0003.pdf', 'failed', 'DstPutObjectNotPermitted'],
      ['invoices/2024/03/inv-0004.pdf', 'failed', 'NoSuchKey'],
      ['multi/line key.txt', 'failed', 'InternalError'],
    ]);
    expect(rows.every((row) => row.bucket === 'my-source-bucket-use1' && row.versionId)).toBe(true);
    expect(s3control.commandCalls(DescribeJobCommand)[0]?.args[0].input).toEqual({
      AccountId: '123456789012',
      JobId: REPORT_JOB_ID,
    });
  });

  it('reads the report of a failed job too, as S3 writes one once any task ran', async () => {
    s3control.on(DescribeJobCommand).resolves({
      Job: {
        Status: 'Failed',
        Report: { Enabled: true, Bucket: `arn:aws:s3:::${REPORT_BUCKET}`, Prefix: REPORT_PREFIX },
      },
    });
    await expect(batch().report(REPORT_JOB_ID)).resolves.toHaveLength(8);
  });

  it('says the report is unavailable when S3 wrote no manifest.json', async () => {
    // Prepare
    s3control.on(DescribeJobCommand).resolves({
      Job: {
        Status: 'Cancelled',
        Report: { Enabled: true, Bucket: `arn:aws:s3:::${REPORT_BUCKET}`, Prefix: 'elsewhere' },
      },
    });

    // Act / Assess
    const report = batch().report(REPORT_JOB_ID);
    await expect(report).rejects.toThrow(JobReportUnavailableError);
    await expect(report).rejects.toThrow(
      `no completion report at s3://${REPORT_BUCKET}/elsewhere/job-${REPORT_JOB_ID}/manifest.json`,
    );
  });

  it('fails when the report lists a result file that is not there', async () => {
    // Prepare
    const prefix = 'broken';
    await putText(
      `${prefix}/job-${REPORT_JOB_ID}/manifest.json`,
      JSON.stringify({
        Format: 'Report_CSV_20180820',
        Results: [
          {
            TaskExecutionStatus: 'failed',
            Bucket: REPORT_BUCKET,
            MD5Checksum: '0',
            Key: `${prefix}/gone.csv`,
          },
        ],
      }),
    );
    s3control.on(DescribeJobCommand).resolves({
      Job: {
        Status: 'Complete',
        Report: { Enabled: true, Bucket: `arn:aws:s3:::${REPORT_BUCKET}`, Prefix: prefix },
      },
    });

    // Act
    const error = await batch()
      .report(REPORT_JOB_ID)
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(BatchJobError);
    expect(error).not.toBeInstanceOf(JobReportUnavailableError);
    expect((error as Error).message).toMatch(/lists s3:\/\/my-redrive-reports-use1\/broken\/gone.csv/);
  });

  it('reads a report written without a prefix at job-<id>/manifest.json', async () => {
    // Prepare
    await putText(
      `job-${REPORT_JOB_ID}/manifest.json`,
      JSON.stringify({ Format: 'Report_CSV_20180820', Results: [] }),
    );
    s3control.on(DescribeJobCommand).resolves({
      Job: { Status: 'Complete', Report: { Enabled: true, Bucket: `arn:aws:s3:::${REPORT_BUCKET}` } },
    });

    // Act / Assess
    await expect(batch().report(REPORT_JOB_ID)).resolves.toEqual([]);
  });
});
