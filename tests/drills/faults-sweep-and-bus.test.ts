/**
 * Faults on the calls around the two use cases: the bus publish and the dead-letter queue of the diagnose
 * side (real EventBridge and SQS adapters over failing clients), and the S3 Batch Replication calls of the
 * sweep (manifest PutObject, CreateJob, DescribeJob). Records are retried, never lost; the sweep reports
 * the error, keeps the incident's state and finishes on the next run with one job.
 */
import { readFileSync } from 'node:fs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateJobCommand, DescribeJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createSqsDeadLetterSink } from '../../shared/aws/dead-letter.js';
import { createBusPublisher } from '../../shared/aws/event-bus.js';
import { parseSnapshot, snapshotReads } from '../../shared/aws/index.js';
import { createSdkError } from '../../shared/aws/sdk-error.js';
import { runBatchJobs } from '../../shared/incidents/batch-jobs.js';
import { runSweep } from '../../shared/incidents/sweep.js';
import { diagnoseQueueBatch, type QueueMessage } from '../../shared/pipeline/diagnose-queue-batch.js';
import { createBatchReplication } from '../../shared/redrive/index.js';
import { createHarness } from '../incidents/sweep-fakes.js';
import { noCauseFound, rootCause } from '../notify/diagnoses.js';
import { awsFault, captureLog, FAULT_KINDS, type FaultService, faultyClient, tally } from './faults.js';

const eventBridge = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);

let fault: { service: FaultService; command: string; kind: (typeof FAULT_KINDS)[number] } | undefined;
const faultOn = (service: FaultService) => (command: string) =>
  fault && fault.service === service && fault.command === command ? awsFault(fault.kind, service) : undefined;

afterAll(() => {
  console.info(
    `[drills] bus, dead letters and sweep: ${tally.faults} faults injected over ${tally.inputs} inputs`,
  );
});

const SCENARIO = 'destination-versioning-suspended';
const scenario = (file: string) =>
  readFileSync(new URL(`../../events/scenarios/${SCENARIO}/${file}`, import.meta.url), 'utf8');
const good = (id: string): QueueMessage => ({ messageId: id, body: scenario('event.json') });
const malformed: QueueMessage = { messageId: 'bad', body: '{"Records": [' };
const testEvent: QueueMessage = {
  messageId: 'test',
  body: readFileSync(new URL('../../events/envelopes/s3-test-event.json', import.meta.url), 'utf8'),
};

function diagnoseDeps() {
  return {
    reads: snapshotReads(parseSnapshot(JSON.parse(scenario('snapshot.json')))),
    publisher: createBusPublisher(
      faultyClient(new EventBridgeClient({ region: 'us-east-1' }), faultOn('EventBridge')),
      'doctor-bus',
    ),
    deadLetters: createSqsDeadLetterSink(
      async () => faultyClient(new SQSClient({ region: 'us-east-1' }), faultOn('SQS')),
      'https://sqs.us-east-1.amazonaws.com/123456789012/doctor-dlq',
    ),
    mode: 'plan' as const,
    log: captureLog(),
  };
}

describe('faults on the bus and the dead-letter queue of the diagnose side', () => {
  const batch = [good('g1'), good('g2'), good('g3'), malformed, testEvent];

  beforeEach(() => {
    fault = undefined;
    eventBridge.reset();
    sqs.reset();
    eventBridge.on(PutEventsCommand).callsFake(async (input: { Entries?: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `e${i}` })),
    }));
    sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
  });

  it.each(FAULT_KINDS)(
    'PutEvents %s: the diagnosed records stay on the queue and are published on the retry',
    async (kind) => {
      fault = { service: 'EventBridge', command: 'PutEvents', kind };
      tally.inputs += batch.length;

      const outage = await diagnoseQueueBatch(batch, diagnoseDeps());
      fault = undefined;
      const retry = await diagnoseQueueBatch(
        batch.filter((m) => outage.retryMessageIds.includes(m.messageId)),
        diagnoseDeps(),
      );

      expect(outage.retryMessageIds.sort()).toEqual(['g1', 'g2', 'g3']);
      expect(outage.counts).toEqual({ diagnosed: 0, ignored: 1, deadLettered: 1, retried: 3 });
      expect(retry).toEqual({
        retryMessageIds: [],
        counts: { diagnosed: 3, ignored: 0, deadLettered: 0, retried: 0 },
      });
    },
  );

  it('retries only the entry PutEvents refused when it throttles one of them', async () => {
    eventBridge.on(PutEventsCommand).callsFake(async (input: { Entries?: unknown[] }) => ({
      FailedEntryCount: 1,
      Entries: (input.Entries ?? []).map((_, i) =>
        i === 1 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : { EventId: `e${i}` },
      ),
    }));
    tally.faults += 1;
    tally.inputs += batch.length;

    const outcome = await diagnoseQueueBatch(batch, diagnoseDeps());

    expect(outcome.retryMessageIds).toEqual(['g2']);
    expect(outcome.counts).toEqual({ diagnosed: 2, ignored: 1, deadLettered: 1, retried: 1 });
  });

  it.each(FAULT_KINDS)(
    'SendMessage %s: the malformed record stays on the queue, the others are not held back',
    async (kind) => {
      fault = { service: 'SQS', command: 'SendMessage', kind };
      tally.inputs += batch.length;

      const outage = await diagnoseQueueBatch(batch, diagnoseDeps());
      fault = undefined;
      const retry = await diagnoseQueueBatch([malformed], diagnoseDeps());

      expect(outage.retryMessageIds).toEqual(['bad']);
      expect(outage.counts).toEqual({ diagnosed: 3, ignored: 1, deadLettered: 0, retried: 1 });
      expect(retry.counts).toEqual({ diagnosed: 0, ignored: 0, deadLettered: 1, retried: 0 });
    },
  );
});

describe('faults on the S3 Batch Replication calls of the job runner', () => {
  const manifests = new Map<string, string>();
  const jobs = new Map<string, string>();

  beforeEach(() => {
    fault = undefined;
    s3.reset();
    s3control.reset();
    manifests.clear();
    jobs.clear();
    // S3 honours IfNoneMatch: a manifest already written is refused with 412.
    s3.on(PutObjectCommand).callsFake(async (input: { Key?: string }) => {
      const key = input.Key ?? '';
      if (manifests.has(key))
        throw createSdkError({ name: 'PreconditionFailed', message: 'exists', httpStatusCode: 412 });
      manifests.set(key, `"etag-${manifests.size + 1}"`);
      return { ETag: manifests.get(key) };
    });
    s3.on(HeadObjectCommand).callsFake(async (input: { Key?: string }) => ({
      ETag: manifests.get(input.Key ?? ''),
    }));
    // S3 Control answers a repeated ClientRequestToken with the job it already created.
    s3control.on(CreateJobCommand).callsFake(async (input: { ClientRequestToken?: string }) => {
      const token = input.ClientRequestToken ?? '';
      if (!jobs.has(token)) jobs.set(token, `job-${jobs.size + 1}`);
      return { JobId: jobs.get(token) };
    });
    s3control.on(DescribeJobCommand).resolves({ Job: { Status: 'Active' } });
  });

  function harness() {
    const h = createHarness({ mode: 'auto', copyThreshold: 2, spotCheck: 2 });
    h.jobPorts.batch = createBatchReplication({
      s3: faultyClient(new S3Client({ region: 'us-east-1' }), faultOn('S3')),
      s3control: faultyClient(new S3ControlClient({ region: 'us-east-1' }), faultOn('S3Control')),
      config: {
        accountId: '123456789012',
        region: 'us-east-1',
        roleArn: 'arn:aws:iam::123456789012:role/doctor-batch',
        manifestBucket: 'doctor-manifests',
        reportBucket: 'doctor-reports',
        prefix: 'redrive/',
      },
    });
    const incident = h.store.seed(rootCause(), 4);
    h.diagnosis = () => noCauseFound();
    return { h, incident };
  }

  const CALLS: { service: FaultService; command: string }[] = [
    { service: 'S3', command: 'PutObject' },
    { service: 'S3Control', command: 'CreateJob' },
  ];
  const cases = CALLS.flatMap((call) => FAULT_KINDS.map((kind) => ({ ...call, kind })));

  it.each(cases)(
    '$service $command $kind while starting a job: reported, and the next run starts exactly one job',
    async ({ service, command, kind }) => {
      const { h, incident } = harness();
      const handedOver = await runSweep(h.ports);
      fault = { service, command, kind };
      tally.inputs += 4;

      const failed = await runBatchJobs(h.jobPorts);
      const jobAfterFailure = h.store.incidents.get(incident.incidentId)?.redrive?.jobId;
      fault = undefined;
      const next = await runBatchJobs(h.jobPorts);

      expect(handedOver).toMatchObject({ errors: 0, redriven: 4 });
      expect(failed).toMatchObject({ errors: 1, started: 0 });
      expect(jobAfterFailure).toBeUndefined();
      expect(next).toMatchObject({ errors: 0, started: 1 });
      expect(h.store.incidents.get(incident.incidentId)?.redrive).toMatchObject({
        state: 'running',
        jobId: 'job-1',
      });
      expect(jobs.size).toBe(1);
      expect(h.notices.filter((n) => n.kind === 'redrive-started')).toHaveLength(1);
    },
  );

  it('starts the same job again, not a second one, when CreateJob went through but its answer was lost', async () => {
    const { h, incident } = harness();
    s3control.on(CreateJobCommand).callsFakeOnce(async (input: { ClientRequestToken?: string }) => {
      jobs.set(input.ClientRequestToken ?? '', 'job-1');
      throw awsFault('timeout', 'S3Control');
    });
    tally.inputs += 4;

    await runSweep(h.ports);
    const failed = await runBatchJobs(h.jobPorts);
    s3control.on(CreateJobCommand).callsFake(async (input: { ClientRequestToken?: string }) => ({
      JobId: jobs.get(input.ClientRequestToken ?? '') ?? 'job-unexpected',
    }));
    await runBatchJobs(h.jobPorts);

    expect(failed.errors).toBe(1);
    expect(h.store.incidents.get(incident.incidentId)?.redrive?.jobId).toBe('job-1');
    expect(jobs.size).toBe(1);
  });

  it.each(FAULT_KINDS)(
    'DescribeJob %s while following a job: reported, the incident keeps its job, the next run follows it',
    async (kind) => {
      const { h, incident } = harness();
      await runSweep(h.ports);
      await runBatchJobs(h.jobPorts);
      fault = { service: 'S3Control', command: 'DescribeJob', kind };
      tally.inputs += 4;

      const failed = await runBatchJobs(h.jobPorts);
      const sweptMeanwhile = await runSweep(h.ports);
      fault = undefined;
      const next = await runBatchJobs(h.jobPorts);

      expect(failed.errors).toBe(1);
      expect(sweptMeanwhile.errors).toBe(0);
      expect(next).toMatchObject({ errors: 0, running: 1 });
      expect(h.store.incidents.get(incident.incidentId)?.redrive).toMatchObject({
        state: 'running',
        jobId: 'job-1',
      });
      expect(h.logs.filter((l) => l.message === 'batch job step failed')).toHaveLength(1);
    },
  );
});
