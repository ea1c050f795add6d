import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runIncidents } from '../../shared/cli/commands/incidents.js';
import { UsageError } from '../../shared/cli/errors.js';
import { createIncidentStore, type IncidentStore, incidentIdOf } from '../../shared/incidents/index.js';
import type { FailureRecord } from '../../shared/incidents/types.js';
import { inconclusive, rolePolicyCause, rootCause } from '../notify/diagnoses.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { SOURCE_BUCKET } from '../support/seed-setup.js';

let dynamo: LocalDynamo;
let table: string;
let store: IncidentStore;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

beforeEach(async () => {
  table = await dynamo.createLedgerTable();
  store = createIncidentStore(dynamo.doc, table);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) },
    out: () => out.join('\n'),
    err: () => err.join('\n'),
  };
}

const failures = (n: number, prefix = 'data/obj', eventTime = '2026-01-01T10:00:00.000Z'): FailureRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    bucket: SOURCE_BUCKET,
    key: `${prefix}-${i}.csv`,
    versionId: `v${i}`,
    failureReason: 'DstPutObjectNotPermitted',
    eventTime,
  }));

const storm = rootCause('data/obj-0.csv', 'v0');
const ID = incidentIdOf(storm);

describe('incidents list', () => {
  it('prints one row per open incident with its cause, failures, last seen and re-drive state, newest first', async () => {
    // Prepare
    await store.recordFailures(storm, failures(3));
    const other = rootCause('logs/a.gz', 'va', rolePolicyCause(['s3:ReplicateTags']));
    await store.recordFailures(other, failures(1, 'logs/a', '2026-01-02T08:00:00.000Z'));
    await store.setRedrive(ID, {
      method: 'copy',
      state: 'awaiting-approval',
      objects: 3,
      estimatedRequests: 6,
    });
    const { io, out } = capture();

    // Act
    const status = await runIncidents(['list'], io, { store });

    // Assess
    expect(status).toBe(0);
    const lines = out().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+CAUSE\s+FAILURES\s+LAST SEEN\s+RE-DRIVE$/);
    expect(lines[2]).toContain(incidentIdOf(other));
    expect(lines[2]).toContain('replication-role-policy / action-not-allowed s3:ReplicateTags');
    expect(lines[3]).toMatch(
      new RegExp(
        `^${ID}\\s+open\\s+replication-role-policy / action-not-allowed s3:ReplicateObject\\s+3\\s+2026-01-01T10:00:00.000Z\\s+awaiting-approval$`,
      ),
    );
  });

  it('says there is nothing open when every incident is resolved', async () => {
    await store.recordFailures(storm, failures(1));
    await store.resolve(ID);
    const { io, out } = capture();

    expect(await runIncidents(['list'], io, { store })).toBe(0);
    expect(out()).toBe('No open incidents.');
  });

  it('prints the incidents as JSON with --json', async () => {
    await store.recordFailures(storm, failures(2));
    const { io, out } = capture();

    await runIncidents(['list', '--json'], io, { store });

    const parsed = JSON.parse(out()) as { incidentId: string; count: number }[];
    expect(parsed).toMatchObject([{ incidentId: ID, count: 2 }]);
  });
});

describe('incidents show', () => {
  it('shows the cause, the fix with its command, counts per object state, samples and objects that failed again', async () => {
    // Prepare
    await store.recordFailures(storm, failures(4));
    await store.markObjects(ID, [
      { bucket: SOURCE_BUCKET, key: 'data/obj-1.csv', versionId: 'v1', state: 'replicated' },
      {
        bucket: SOURCE_BUCKET,
        key: 'data/obj-2.csv',
        versionId: 'v2',
        state: 'failed-again',
        lastError: 'DstObjectHardDeleted: HTTP 400',
      },
    ]);
    const { io, out } = capture();

    // Act
    const status = await runIncidents(['show', ID], io, { store });

    // Assess
    expect(status).toBe(0);
    const text = out();
    expect(text).toContain(`Incident ${ID} (open)`);
    expect(text).toContain(
      'Route: s3://my-source-bucket-use1 -> s3://my-destination-bucket-euw1, rule DR-Replication-Rule',
    );
    expect(text).toContain('Cause: replication-role-policy / action-not-allowed');
    expect(text).toContain('Missing actions: s3:ReplicateObject');
    expect(text).toContain(
      'Fix: Add this statement to the inline policy S3ReplicationPolicy of S3ReplicationRole.',
    );
    expect(text).toContain('"Sid": "AllowReplicationToDestination"');
    expect(text).toContain('$ aws iam put-role-policy --role-name S3ReplicationRole');
    expect(text).toContain('Failures: 4 event(s), first 2026-01-01T10:00:00.000Z');
    expect(text).toContain('Objects: 2 failed, 0 redriven, 1 replicated, 1 failed-again');
    expect(text).toContain('s3://my-source-bucket-use1/data/obj-0.csv (version v0)');
    expect(text).toContain('data/obj-2.csv (version v2): DstObjectHardDeleted: HTTP 400');
    expect(text).toContain('Re-drive: none yet');
  });

  it('shows a handed-over Batch Replication re-drive before its job starts, and why its job stopped it', async () => {
    await store.recordFailures(storm, failures(3));
    const handedOver = {
      method: 'batch' as const,
      state: 'running' as const,
      objects: 3,
      estimatedRequests: 5,
      startedAt: '2026-01-01T11:00:00.000Z',
    };
    await store.setRedrive(ID, handedOver);
    const before = capture();
    await runIncidents(['show', ID], before.io, { store });
    await store.setRedrive(
      ID,
      {
        ...handedOver,
        jobId: 'job-7',
        jobFailure: 'S3 Batch Replication job job-7 failed (ManifestNotFound)',
      },
      { expectState: 'running' },
    );
    const after = capture();
    await runIncidents(['show', ID], after.io, { store });

    expect(before.out()).toContain('job not started yet (batchJobs starts it within minutes)');
    expect(after.out()).toContain('job job-7');
    expect(after.out()).toContain('S3 Batch Replication job job-7 failed (ManifestNotFound)');
  });

  it('shows what could not be told for an inconclusive incident', async () => {
    const diagnosis = inconclusive('data/obj-0.csv');
    await store.recordFailures(diagnosis, failures(1));
    const { io, out } = capture();

    await runIncidents(['show', incidentIdOf(diagnosis)], io, { store });

    expect(out()).toContain(
      'Could not tell (destination-bucket-policy): s3:GetBucketPolicy on my-destination-bucket-euw1',
    );
  });

  it('refuses an unknown incident ID as bad input', async () => {
    const { io } = capture();
    await expect(runIncidents(['show', '0123456789abcdef'], io, { store })).rejects.toThrow(
      new UsageError('no incident 0123456789abcdef (see: incidents list)'),
    );
  });
});

describe('incidents redrive', () => {
  it('prints the method and estimated requests the sweep would use before anything is planned', async () => {
    await store.recordFailures(storm, failures(5));
    const { io, out } = capture();

    const status = await runIncidents(['redrive', ID, '--copy-threshold', '3'], io, { store });

    expect(status).toBe(0);
    expect(out()).toContain('No re-drive planned yet');
    expect(out()).toContain(
      'Today it would re-drive 5 objects by one S3 Batch Replication job (about 7 requests) (copy threshold 3).',
    );
  });

  it('prints the waiting plan and how to approve it', async () => {
    await store.recordFailures(storm, failures(2));
    await store.setRedrive(ID, {
      method: 'copy',
      state: 'awaiting-approval',
      objects: 2,
      estimatedRequests: 4,
    });
    const { io, out } = capture();

    await runIncidents(['redrive', ID], io, { store });

    expect(out()).toBe(
      `The sweep plans to re-drive 2 objects by copy in place (about 4 requests); it waits for approval. Run "incidents redrive ${ID} --execute" to approve it.`,
    );
    expect((await store.get(ID))?.redrive?.state).toBe('awaiting-approval');
  });

  it('approves the planned re-drive with --execute so the next sweep runs it', async () => {
    await store.recordFailures(storm, failures(2));
    await store.setRedrive(ID, {
      method: 'copy',
      state: 'awaiting-approval',
      objects: 2,
      estimatedRequests: 4,
    });
    const { io, out } = capture();

    const status = await runIncidents(['redrive', ID, '--execute'], io, { store });

    expect(status).toBe(0);
    expect(out()).toContain('Approved: the next sweep will re-drive 2 objects by copy in place');
    expect((await store.get(ID))?.redrive).toMatchObject({ state: 'approved', approvedBy: 'cli' });
  });

  it('approves nothing and exits 1 when the sweep has planned no re-drive', async () => {
    await store.recordFailures(storm, failures(2));
    const { io, err } = capture();

    const status = await runIncidents(['redrive', ID, '--execute'], io, { store });

    expect(status).toBe(1);
    expect(err()).toContain('Nothing to approve');
    expect((await store.get(ID))?.redrive).toBeUndefined();
  });

  it('re-arms a re-drive the circuit breaker stopped', async () => {
    await store.recordFailures(storm, failures(2));
    await store.setRedrive(ID, {
      method: 'batch',
      state: 'tripped',
      objects: 2,
      estimatedRequests: 4,
      jobId: 'job-1',
      note: '2 failures of the same cause arrived after the re-drive started',
    });
    const { io, out } = capture();

    const status = await runIncidents(['redrive', ID, '--execute'], io, { store });

    expect(status).toBe(0);
    expect(out()).toContain(
      'Re-armed: the circuit breaker had stopped the re-drive (2 failures of the same cause',
    );
    const redrive = (await store.get(ID))?.redrive;
    expect(redrive).toMatchObject({ state: 'approved', approvedBy: 'cli' });
    expect(redrive).not.toHaveProperty('note');
  });
});

describe('incidents resolve', () => {
  it('resolves an open incident by hand, which takes it off the open list', async () => {
    await store.recordFailures(storm, failures(1));
    const { io, out } = capture();

    const status = await runIncidents(['resolve', ID, '--note', 'fixed the role policy'], io, { store });

    expect(status).toBe(0);
    expect(out()).toContain(`Resolved incident ${ID}`);
    const incident = await store.get(ID);
    expect(incident).toMatchObject({ status: 'resolved', note: 'fixed the role policy' });
    expect(await store.listOpen()).toEqual([]);
  });

  it('says an incident is already resolved without changing it', async () => {
    await store.recordFailures(storm, failures(1));
    await store.resolve(ID, 'first');
    const { io, out } = capture();

    expect(await runIncidents(['resolve', ID], io, { store })).toBe(0);
    expect(out()).toContain('already resolved');
    expect((await store.get(ID))?.note).toBe('first');
  });
});

describe('the incidents command itself', () => {
  it('opens the ledger table named by LEDGER_TABLE at AWS_ENDPOINT_URL_DYNAMODB', async () => {
    // Prepare: the SDK needs some credentials; dynalite accepts any
    await store.recordFailures(storm, failures(1));
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    const { io, out } = capture();

    // Act
    const status = await runIncidents(['list'], io, {
      env: { LEDGER_TABLE: table, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint },
    });

    // Assess
    expect(status).toBe(0);
    expect(out()).toContain(ID);
  });

  it('names the missing table or region as bad usage', async () => {
    const { io } = capture();
    await expect(runIncidents(['list'], io, { env: { AWS_REGION: 'us-east-1' } })).rejects.toThrow(
      'no ledger table: pass --table or set LEDGER_TABLE',
    );
    await expect(runIncidents(['list', '--table', 't'], io, { env: {} })).rejects.toThrow(
      'no region: pass --region or set AWS_REGION',
    );
  });

  it('rejects an unknown subcommand, a missing ID and a bad copy threshold', async () => {
    const { io } = capture();
    await expect(runIncidents(['close', ID], io, { store })).rejects.toThrow(UsageError);
    await expect(runIncidents(['show'], io, { store })).rejects.toThrow(
      'missing incident ID: incidents show ID',
    );
    await expect(runIncidents(['redrive', ID, '--copy-threshold', '2.5'], io, { store })).rejects.toThrow(
      '--copy-threshold must be a whole number >= 0, got "2.5"',
    );
  });
});
