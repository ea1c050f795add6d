/**
 * The batchJobs Lambda as deployed: config from the environment, the incident store on dynalite, S3 and
 * S3 Control mocked. A wiring slip (a wrong variable, a port not passed) fails here even when the use-case
 * tests pass.
 */
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createIncidentStore, incidentIdOf } from '../../shared/incidents/index.js';
import { rolePolicyCause, rootCause } from '../notify/diagnoses.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { SOURCE_BUCKET } from '../support/seed-setup.js';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);

let dynamo: LocalDynamo;
let table: string;
const savedEnv = { ...process.env };
beforeAll(async () => {
  dynamo = await startDynalite();
  table = await dynamo.createLedgerTable();
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    LEDGER_TABLE: table,
    ACCOUNT_ID: '123456789012',
    REDRIVE_BUCKET: 'doctor-redrive',
    BATCH_ROLE_ARN: 'arn:aws:iam::123456789012:role/doctor-batch',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  s3.on(PutObjectCommand).resolves({ ETag: '"manifest-etag"' });
  s3.on(HeadObjectCommand).resolves({ ETag: '"manifest-etag"' });
  s3control.on(CreateJobCommand).resolves({ JobId: 'job-42' });
});
afterAll(async () => {
  process.env = savedEnv;
  await dynamo.stop();
});

describe('the batchJobs Lambda, as deployed', () => {
  it('does nothing while no incident is handed over, then starts one job for the one that is', async () => {
    // Prepare: an open incident of three objects
    vi.resetModules();
    const { handler } = await import('../../functions/batch-jobs/handler.js');
    const store = createIncidentStore(dynamo.doc, table);
    const diagnosis = rootCause();
    await store.recordFailures(
      diagnosis,
      ['a', 'b', 'c'].map((key, i) => ({
        bucket: SOURCE_BUCKET,
        key,
        versionId: `v${i}`,
        failureReason: 'DstPutObjectNotPermitted',
        eventTime: '2026-11-25T08:00:00.000Z',
      })),
    );
    const id = incidentIdOf(diagnosis);

    // Act 1: nothing handed over yet
    await handler();
    const jobsBefore = s3control.commandCalls(CreateJobCommand).length;

    // Act 2: the sweep hands the incident over
    await store.setRedrive(id, {
      method: 'batch',
      state: 'running',
      objects: 3,
      estimatedRequests: 5,
      startedAt: '2026-11-25T09:00:00.000Z',
    });
    await handler();

    // Assess
    expect(jobsBefore).toBe(0);
    const created = s3control.commandCalls(CreateJobCommand);
    expect(created).toHaveLength(1);
    expect(created[0]?.args[0].input).toMatchObject({
      AccountId: '123456789012',
      RoleArn: 'arn:aws:iam::123456789012:role/doctor-batch',
    });
    const manifest = String(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body ?? '');
    expect(manifest.trim().split('\n')).toHaveLength(3);
    expect((await store.get(id))?.redrive).toMatchObject({ state: 'running', jobId: 'job-42' });
  });

  it('fails the run, after trying every handed-over incident, when a job cannot be started', async () => {
    // A table of its own: the incident of the test above is still following its job.
    const own = await dynamo.createLedgerTable();
    process.env.LEDGER_TABLE = own;
    vi.resetModules();
    const { handler } = await import('../../functions/batch-jobs/handler.js');
    const store = createIncidentStore(dynamo.doc, own);
    const diagnosis = rootCause('b/key', 'vb', rolePolicyCause(['s3:ReplicateTags']));
    await store.recordFailures(diagnosis, [
      {
        bucket: SOURCE_BUCKET,
        key: 'b/key',
        versionId: 'vb',
        failureReason: 'DstPutObjectNotPermitted',
        eventTime: '2026-11-25T08:00:00.000Z',
      },
    ]);
    await store.setRedrive(incidentIdOf(diagnosis), {
      method: 'batch',
      state: 'running',
      objects: 1,
      estimatedRequests: 3,
      startedAt: '2026-11-25T09:30:00.000Z',
    });
    s3control
      .on(CreateJobCommand)
      .rejects(
        Object.assign(new Error('not allowed'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
      );

    await expect(handler()).rejects.toMatchObject({
      name: 'IncompleteRunError',
      message: expect.stringContaining('1 of 1 incident(s) could not be handled'),
    });
  });
});
