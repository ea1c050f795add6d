/**
 * A failure storm through the real code, end to end and offline: S3 notifications in diagnosis-queue
 * batches through `diagnoseQueueBatch` (real parser and diagnosis over a scenario snapshot, read cache as in
 * a warm Lambda), the published diagnoses in act-queue batches through `actOnDiagnoses` with the real
 * incident store and ledger on dynalite, then the sweep with a Batch Replication job against mocked S3 and
 * S3 Control. Time is simulated, so intervals (read cache, Slack edits) behave as over a real storm.
 * Used by the storm test and by `npm run bench`.
 */
import { readFileSync } from 'node:fs';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateJobCommand, DescribeJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { createReads, createReplayCaller, parseSnapshot, type Snapshot } from '../../shared/aws/index.js';
import { createReplayS3Client } from '../../shared/aws/replay-s3-client.js';
import { diagnose } from '../../shared/diagnosis/index.js';
import { runBatchJobs } from '../../shared/incidents/batch-jobs.js';
import { createIncidentStore } from '../../shared/incidents/store.js';
import { runSweep, type SweepReport } from '../../shared/incidents/sweep.js';
import type { IncidentNotice, IncidentStore } from '../../shared/incidents/types.js';
import { createAttemptLedger } from '../../shared/ledger/index.js';
import { actOnDiagnoses } from '../../shared/pipeline/act-on-diagnoses.js';
import { createActPorts } from '../../shared/pipeline/act-ports.js';
import { diagnoseQueueBatch } from '../../shared/pipeline/diagnose-queue-batch.js';
import { createBatchReplication } from '../../shared/redrive/index.js';
import type { LocalDynamo } from './dynalite.js';

const SCENARIOS = new URL('../../events/scenarios/', import.meta.url);
const silent = { info() {}, warn() {}, error() {} };

const SEED_SOURCE_BUCKET = 'my-source-bucket-use1';

/**
 * A scenario's event and snapshot; with `sourceBucket`, the same account as if that bucket were the source
 * (every name and ARN renamed), so one scenario can stand for many broken buckets: many distinct incidents.
 */
export function loadScenario(
  name: string,
  sourceBucket?: string,
): { event: { Records: Record<string, unknown>[] }; snapshot: Snapshot } {
  const read = (file: string) => {
    const text = readFileSync(new URL(`${name}/${file}`, SCENARIOS), 'utf8');
    return JSON.parse(sourceBucket ? text.replaceAll(SEED_SOURCE_BUCKET, sourceBucket) : text);
  };
  const snapshot = parseSnapshot(read('snapshot.json'));
  const head = snapshot.calls.find(
    (call) => call.service === 'S3' && call.command === 'HeadObject' && call.output,
  );
  // Every storm object exists like the scenario's own: answer HeadObject for any key of the source bucket.
  const bucket = (head?.input as { Bucket?: string } | undefined)?.Bucket;
  const calls = head && bucket ? [...snapshot.calls, { ...head, input: { Bucket: bucket } }] : snapshot.calls;
  return { event: read('event.json'), snapshot: { ...snapshot, calls } };
}

export interface StormOptions {
  dynamo: LocalDynamo;
  /** Total failure records, spread round-robin over the causes. */
  records: number;
  /** One per distinct cause: a scenario name, optionally as another source bucket. */
  causes: (string | { scenario: string; sourceBucket: string })[];
  diagnoseBatchSize?: number;
  actBatchSize?: number;
  slackUpdateIntervalMs?: number;
}

export interface StormCounts {
  records: number;
  /** Reads sent to AWS by the diagnoses (cache misses). */
  awsReads: number;
  dynamoRequests: number;
  /** Items written: objects put in batches plus incident updates. */
  dynamoItemsWritten: number;
  openingNotices: number;
  slackEdits: number;
  otherNotifications: number;
  /** Wall time of the diagnose and act phases. */
  elapsedMs: number;
}

export interface Storm {
  store: IncidentStore;
  table: string;
  counts: StormCounts;
  clock: { now: number };
}

/** Counts DynamoDB requests and written items on a client (its middleware stack is shared with the doc client). */
function countDynamoWrites(dynamo: LocalDynamo) {
  const counts = { requests: 0, items: 0 };
  dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      counts.requests += 1;
      const input = args.input as { RequestItems?: Record<string, unknown[]> };
      if (context.commandName === 'BatchWriteItemCommand') {
        for (const items of Object.values(input.RequestItems ?? {})) counts.items += items.length;
      } else if (context.commandName === 'UpdateItemCommand' || context.commandName === 'PutItemCommand') {
        counts.items += 1;
      }
      return next(args);
    },
    { step: 'initialize', name: `stormCounter${Math.random()}` },
  );
  return counts;
}

function notificationBody(record: Record<string, unknown>, i: number): string {
  const s3 = record.s3 as { object: Record<string, unknown> };
  const key = `storm/${String(i).padStart(7, '0')}.bin`;
  const copy = { ...record, s3: { ...s3, object: { ...s3.object, key, versionId: `v${i}` } } };
  return JSON.stringify({
    version: '0',
    source: 's3-replication-doctor.intake',
    'detail-type': 'S3 Replication Event',
    detail: { Records: [copy] },
  });
}

export async function runStorm(options: StormOptions): Promise<Storm> {
  const { dynamo } = options;
  const table = await dynamo.createLedgerTable();
  const clock = { now: Date.parse('2026-11-25T08:00:00.000Z') };
  const store = createIncidentStore(dynamo.doc, table, { now: () => clock.now });
  const written = countDynamoWrites(dynamo);
  const scenarios = options.causes.map((cause) =>
    typeof cause === 'string' ? loadScenario(cause) : loadScenario(cause.scenario, cause.sourceBucket),
  );
  // One warm diagnose container per cause's account, with the production read cache (30 s).
  const reads = scenarios.map(({ snapshot }) =>
    createReads(createReplayCaller(snapshot), { now: () => clock.now }),
  );
  const counts: StormCounts = {
    records: options.records,
    awsReads: 0,
    dynamoRequests: 0,
    dynamoItemsWritten: 0,
    openingNotices: 0,
    slackEdits: 0,
    otherNotifications: 0,
    elapsedMs: 0,
  };
  const ports = createActPorts({
    settings: async () => ({ mode: 'plan', autoRetrigger: [], source: 'fallback', warnings: [] }),
    freshReads: createReads(createReplayCaller(scenarios[0]?.snapshot as Snapshot), { cacheTtlMs: 0 }),
    ledger: createAttemptLedger(dynamo.doc, table),
    incidents: { store, slackUpdateIntervalMs: options.slackUpdateIntervalMs ?? 60_000 },
    s3: createReplayS3Client(scenarios[0]?.snapshot as Snapshot),
    notifier: {
      async notify(notification, notifyOptions) {
        if (notifyOptions?.slackMessage) counts.slackEdits += 1;
        else if (notification.incident?.state === 'opened') counts.openingNotices += 1;
        else counts.otherNotifications += 1;
        return {
          delivered: ['sns', 'slack'],
          failed: [],
          slack: { ts: '1732521600.000100', channel: 'C0STORM' },
        };
      },
    },
    deadLetters: {
      async send() {
        throw new Error('storm: nothing should be dead-lettered');
      },
    },
    log: silent,
  });

  const started = performance.now();
  const diagnoseSize = options.diagnoseBatchSize ?? 100;
  const actSize = options.actBatchSize ?? 500;
  let pending: { messageId: string; body: string }[] = [];
  for (let start = 0; start < options.records; start += diagnoseSize) {
    const end = Math.min(options.records, start + diagnoseSize);
    // Each diagnosis batch is one cause's (the diagnosis queue is shared, but batches rarely mix accounts).
    const cause = Math.floor(start / diagnoseSize) % scenarios.length;
    const scenario = scenarios[cause];
    const record = scenario?.event.Records[0];
    if (!scenario || !record) throw new Error('storm scenario without a record');
    const messages = [];
    for (let i = start; i < end; i++)
      messages.push({ messageId: `d${i}`, body: notificationBody(record, i) });
    const published: { messageId: string; body: string }[] = [];
    const outcome = await diagnoseQueueBatch(messages, {
      reads: reads[cause] as ReturnType<typeof createReads>,
      publisher: {
        async publish(entries) {
          for (const entry of entries) {
            published.push({
              messageId: `a${start + published.length}`,
              body: JSON.stringify({ detail: entry.detail }),
            });
          }
          return { failedIndexes: [] };
        },
      },
      deadLetters: {
        async send() {
          throw new Error('storm: nothing should be dead-lettered');
        },
      },
      mode: 'plan',
      log: silent,
    });
    if (outcome.retryMessageIds.length > 0) throw new Error('storm: a diagnosis batch asked for a retry');
    clock.now += 100;
    pending.push(...published);
    while (pending.length >= actSize || (end === options.records && pending.length > 0)) {
      const batch = pending.slice(0, actSize);
      pending = pending.slice(actSize);
      const acted = await actOnDiagnoses(batch, ports);
      if (acted.retryMessageIds.length > 0) throw new Error('storm: an act batch asked for a retry');
      clock.now += 1000;
    }
  }
  counts.elapsedMs = performance.now() - started;
  counts.awsReads = reads.reduce((sum, r) => sum + r.stats().calls, 0);
  counts.dynamoRequests = written.requests;
  counts.dynamoItemsWritten = written.items;
  return { store, table, counts, clock };
}

export interface RedriveRun {
  reports: SweepReport[];
  notices: IncidentNotice[];
  createJobCalls: number;
  manifestRows: number;
}

/**
 * After the cause is fixed (`fixedScenario`'s snapshot), sweeps until the incident resolves: the sweep
 * re-diagnoses and hands the objects over; the job runner, run after each sweep as its schedule would, starts
 * ONE Batch Replication job from the ledger and reads its (mocked) completion report; the sweep spot-checks
 * replication status and resolves. S3 and S3 Control are mocked; the store is the real one.
 */
export async function redriveStorm(storm: Storm, fixedScenario: string, maxSweeps = 6): Promise<RedriveRun> {
  const fixed = loadScenario(fixedScenario);
  const s3 = mockClient(S3Client);
  const s3control = mockClient(S3ControlClient);
  let manifest = '';
  const jobId = '4f9c2a7e-3b1d-4c8e-9a6f-1d2e3c4b5a69';
  let reportPrefix = '';
  s3.on(PutObjectCommand).callsFake((input) => {
    manifest = String(input.Body);
    return { ETag: '"manifest-etag"' };
  });
  s3control.on(CreateJobCommand).callsFake((input) => {
    reportPrefix = input.Report?.Prefix ?? '';
    return { JobId: jobId };
  });
  s3control.on(DescribeJobCommand).callsFake(() => {
    const rows = manifest.trim().split('\n').length;
    return {
      Job: {
        JobId: jobId,
        Status: 'Complete',
        ProgressSummary: { TotalNumberOfTasks: rows, NumberOfTasksSucceeded: rows, NumberOfTasksFailed: 0 },
        Report: {
          Bucket: 'arn:aws:s3:::doctor-redrive',
          Prefix: reportPrefix,
          Enabled: true,
          Format: 'Report_CSV_20180820',
          ReportScope: 'AllTasks',
        },
      },
    };
  });
  // The report reader only needs what S3's body stream offers for text.
  const body = (text: string) => ({ transformToString: async () => text }) as never;
  s3.on(GetObjectCommand).callsFake((input) => {
    if (String(input.Key).endsWith('manifest.json')) {
      return {
        Body: body(
          JSON.stringify({
            Format: 'Report_CSV_20180820',
            ReportCreationDate: '2026-11-25T09:00:00.000Z',
            Results: [
              {
                TaskExecutionStatus: 'succeeded',
                Bucket: 'doctor-redrive',
                MD5Checksum: '0',
                Key: `${reportPrefix}/job-${jobId}/results/all.csv`,
              },
            ],
            ReportSchema: 'Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage',
          }),
        ),
      };
    }
    const results = manifest
      .trim()
      .split('\n')
      .map((line) => `${line},succeeded,200,,Successful`)
      .join('\n');
    return { Body: body(`${results}\n`) };
  });
  s3.on(HeadObjectCommand).resolves({ ReplicationStatus: 'COMPLETED' });

  const notices: IncidentNotice[] = [];
  const reports: SweepReport[] = [];
  const freshReads = createReads(createReplayCaller(fixed.snapshot), { cacheTtlMs: 0 });
  const client = new S3Client({ region: 'us-east-1' });
  // The job runner, scheduled like the sweep: it starts and follows the job the sweep hands over.
  const jobs = {
    store: storm.store,
    batch: createBatchReplication({
      s3: client,
      s3control: new S3ControlClient({ region: 'us-east-1' }),
      config: {
        accountId: '123456789012',
        region: 'us-east-1',
        roleArn: 'arn:aws:iam::123456789012:role/doctor-batch',
        manifestBucket: 'doctor-redrive',
        reportBucket: 'doctor-redrive',
        prefix: '',
      },
    }),
    log: silent,
  };
  try {
    for (let sweep = 0; sweep < maxSweeps; sweep++) {
      const report = await runSweep({
        store: storm.store,
        settings: async () => ({
          mode: 'auto',
          autoRetrigger: ['*'],
          copyThreshold: 1000,
          slackUpdateIntervalMs: 60_000,
          digestIntervalMs: 3_600_000,
          spotCheck: 5,
        }),
        rediagnose: (failure) => diagnose(failure, freshReads),
        async copyObject() {
          throw new Error(
            'a storm above the copy threshold is re-driven by one Batch Replication job, not copies',
          );
        },
        async replicationStatus(object) {
          const head = await client.send(new HeadObjectCommand({ Bucket: object.bucket, Key: object.key }));
          return head.ReplicationStatus;
        },
        async notify(notice) {
          notices.push(notice);
        },
        log: silent,
        now: () => storm.clock.now,
        region: 'us-east-1',
      });
      reports.push(report);
      if (report.resolved > 0 || report.incidents === 0) break;
      await runBatchJobs(jobs);
      storm.clock.now += 5 * 60_000;
    }
    return {
      reports,
      notices,
      createJobCalls: s3control.commandCalls(CreateJobCommand).length,
      manifestRows: manifest ? manifest.trim().split('\n').length : 0,
    };
  } finally {
    s3.restore();
    s3control.restore();
  }
}
