/**
 * Faults on every AWS call of the action side, through the real `actOnDiagnoses` with the real ports: S3
 * (HeadObject, GetBucketOwnershipControls, CopyObject), the DynamoDB ledger and incident store (dynalite
 * behind a client that fails chosen commands), the fresh diagnosis reads, SQS, SNS, SSM, Secrets Manager,
 * and Slack and the webhook over local HTTP. Each record must end copied, notified, ignored or retried,
 * and a retry after the fault must finish the work with exactly one copy.
 */
import { readFileSync } from 'node:fs';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetBucketOwnershipControlsCommand,
  GetObjectAclCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSqsDeadLetterSink } from '../../shared/aws/dead-letter.js';
import { createReads, createReplayCaller, parseSnapshot, snapshotReads } from '../../shared/aws/index.js';
import { diagnose } from '../../shared/diagnosis/index.js';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import { parseEvents } from '../../shared/events/index.js';
import type { ReplicationFailure } from '../../shared/events/types.js';
import { createIncidentStore } from '../../shared/incidents/store.js';
import { createAttemptLedger } from '../../shared/ledger/index.js';
import { createSecretResolver } from '../../shared/notify/secrets.js';
import { type ActOutcome, actOnDiagnoses } from '../../shared/pipeline/act-on-diagnoses.js';
import { createActPorts } from '../../shared/pipeline/act-ports.js';
import type { QueueMessage } from '../../shared/pipeline/diagnose-queue-batch.js';
import { createNotifier } from '../../shared/pipeline/notifier.js';
import { json, type LocalServer, startLocalServer, text } from '../notify/local-server.js';
import { instantPacer } from '../remediation/copy-fixtures.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import {
  awsFault,
  captureLog,
  FAULT_KINDS,
  type FaultKind,
  type FaultService,
  faultyClient,
  noWait,
  tally,
} from './faults.js';

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const ssm = mockClient(SSMClient);
const secretsManager = mockClient(SecretsManagerClient);

const scenario = (name: string, part: string) =>
  JSON.parse(readFileSync(new URL(`../../events/scenarios/${name}/${part}`, import.meta.url), 'utf8'));
const FIXED = 'fixed-since-no-cause-found';
const BROKEN = 'cross-account-destination-bucket-policy-missing';

function failureOf(name: string): ReplicationFailure {
  const [record] = parseEvents(scenario(name, 'event.json'));
  if (record?.kind !== 'failure') throw new Error(`no failure in ${name}`);
  return record.failure;
}
const fixedFailure = failureOf(FIXED);
const VERSION = fixedFailure.versionId as string;
const ETAG = '"e12345ca7e88a38428305d3ff7fcb99f"';

function message(id: string, failure: ReplicationFailure, diagnosis: Diagnosis): QueueMessage {
  return {
    messageId: id,
    body: JSON.stringify({
      source: 's3-replication-doctor.diagnosis',
      detail: { failure, diagnosis, mode: 'auto' },
    }),
  };
}

/** The one fault of a drill: which call, how, and for how many sends. */
interface Fault {
  service: FaultService | 'Slack' | 'Webhook';
  command: string;
  kind: FaultKind;
  times: number;
  injected: number;
}
let fault: Fault | undefined;
const object = { current: '', size: 0 };
function hits(service: Fault['service'], command: string): Error | undefined {
  if (!fault || fault.service !== service || fault.command !== command || fault.injected >= fault.times)
    return;
  fault.injected += 1;
  return service === 'Slack' || service === 'Webhook'
    ? new Error('http fault')
    : awsFault(fault.kind, service);
}
const faultOn =
  (service: FaultService) =>
  (command: string): Error | undefined =>
    hits(service, command);

/** Slack and the webhook: 429 with Retry-After, 500, a timeout, or 403 (a revoked URL) while the fault lasts. */
function httpReply(channel: 'Slack' | 'Webhook') {
  return () => {
    if (hits(channel, 'POST')) {
      tally.faults += 1;
      switch (fault?.kind) {
        case 'throttling':
          return text(429, 'rate limited', { 'retry-after': '1' });
        case 'server-error':
          return text(500, 'internal error');
        case 'access-denied':
          return text(403, 'invalid_token');
        default:
          break;
      }
    }
    return channel === 'Slack'
      ? json(200, { ok: true, ts: '1732521600.000100', channel: 'C123' })
      : json(200, { ok: true });
  };
}

let dynamo: LocalDynamo;
let slack: LocalServer;
let webhook: LocalServer;
beforeAll(async () => {
  dynamo = await startDynalite();
  slack = await startLocalServer(httpReply('Slack'));
  webhook = await startLocalServer(httpReply('Webhook'));
});
afterAll(async () => {
  await Promise.all([dynamo.stop(), slack.close(), webhook.close()]);
  console.info(`[drills] action side: ${tally.faults} faults injected over ${tally.inputs} inputs`);
});

beforeEach(() => {
  fault = undefined;
  for (const client of [s3, sns, sqs, ssm, secretsManager]) client.reset();
  s3.on(GetBucketOwnershipControlsCommand).resolves({
    OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
  });
  // Read when ownership controls cannot be: the owner's own grant, which a copy keeps anyway.
  const owner = { ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' };
  s3.on(GetObjectAclCommand).resolves({
    Owner: owner,
    Grants: [{ Grantee: { Type: 'CanonicalUser', ...owner }, Permission: 'FULL_CONTROL' }],
  });
  // S3 as a store: a copy that went through makes a new current version.
  object.current = VERSION;
  object.size = 1024;
  s3.on(HeadObjectCommand).callsFake(async () => ({
    VersionId: object.current,
    ETag: ETAG,
    ContentLength: object.size,
    StorageClass: 'STANDARD',
  }));
  s3.on(CopyObjectCommand).callsFake(async () => {
    object.current = `copy-${s3.commandCalls(CopyObjectCommand).length}`;
    return { VersionId: object.current };
  });
  s3.on(CreateMultipartUploadCommand).callsFake(async () => ({
    UploadId: `upload-${s3.commandCalls(CreateMultipartUploadCommand).length}`,
  }));
  s3.on(UploadPartCopyCommand).callsFake(async (input: { PartNumber?: number }) => ({
    CopyPartResult: { ETag: `"part-${input.PartNumber}"` },
  }));
  s3.on(CompleteMultipartUploadCommand).callsFake(async () => {
    object.current = `multipart-${s3.commandCalls(CompleteMultipartUploadCommand).length}`;
    return { VersionId: object.current };
  });
  s3.on(AbortMultipartUploadCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'xoxb-planted-token', Type: 'SecureString' } });
  secretsManager
    .on(GetSecretValueCommand)
    .callsFake(async () => ({ SecretString: JSON.stringify({ url: `${webhook.baseUrl}/hook/planted` }) }));
});

/** A timeout of the chat channels is a fetch that gives up, as `AbortSignal.timeout` makes it. */
const timingOutFetch: typeof fetch = async (url, init) => {
  const channel = String(url).startsWith(slack.baseUrl) ? 'Slack' : 'Webhook';
  if (fault?.kind === 'timeout' && hits(channel, 'POST')) {
    tally.faults += 1;
    throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
  }
  return fetch(url, init);
};

async function setup(options: { incidents?: boolean; now?: string } = {}) {
  const table = await dynamo.createLedgerTable();
  const doc = faultyClient(dynamo.doc, faultOn('DynamoDB'));
  const clock = { now: Date.parse('2026-01-01T12:00:00.000Z') };
  const ledger = createAttemptLedger(doc, table, { maxCopiesPerObject: 1, now: () => clock.now });
  const store = createIncidentStore(doc, table);
  const log = captureLog();
  const fresh = options.now ?? FIXED;
  const snapshot = parseSnapshot(scenario(fresh, 'snapshot.json'));
  const ports = createActPorts({
    settings: async () => ({ mode: 'auto', autoRetrigger: ['*'], source: 'parameter', warnings: [] }),
    freshReads: createReads(
      {
        send: (service, command, input, callOptions) => {
          const error = hits(service, command);
          if (error) return Promise.reject(error);
          return createReplayCaller(snapshot).send(service, command, input, callOptions);
        },
      },
      { cacheTtlMs: 0, sleep: noWait, resolveBucketRegions: false },
    ),
    ledger,
    ...(options.incidents ? { incidents: { store, slackUpdateIntervalMs: 0 } } : {}),
    s3: faultyClient(new S3Client({ region: 'us-east-1' }), faultOn('S3')),
    pacer: instantPacer(),
    notifier: createNotifier({
      sns: {
        client: faultyClient(new SNSClient({ region: 'us-east-1' }), faultOn('SNS')),
        topicArn: 'arn:aws:sns:us-east-1:123456789012:doctor',
      },
      secrets: createSecretResolver({
        ssm: faultyClient(new SSMClient({ region: 'us-east-1' }), faultOn('SSM')),
        secretsManager: faultyClient(
          new SecretsManagerClient({ region: 'us-east-1' }),
          faultOn('SecretsManager'),
        ),
        ttlMs: 0,
      }),
      slackSecret: 'ssm:/doctor/slack-token',
      slackChannel: 'C123',
      slackApiBaseUrl: `${slack.baseUrl}/api`,
      webhookSecret: 'secretsmanager:doctor/webhook#url',
      fetch: timingOutFetch,
      sleep: noWait,
    }),
    deadLetters: createSqsDeadLetterSink(
      async () => faultyClient(new SQSClient({ region: 'us-east-1' }), faultOn('SQS')),
      'https://sqs.us-east-1.amazonaws.com/123456789012/doctor-dlq',
    ),
    log,
  });
  return { ports, ledger, store, log, clock };
}

async function diagnosisOf(name: string): Promise<Diagnosis> {
  return diagnose(failureOf(name), snapshotReads(parseSnapshot(scenario(name, 'snapshot.json'))));
}

/** Every message ends in exactly one outcome, and those retried are the ones named for a retry. */
function expectAccounted(outcome: ActOutcome, messages: number): void {
  const { notified, recorded, copied, planned, ignored, deadLettered, retried } = outcome.counts;
  expect(notified + recorded + copied + planned + ignored + deadLettered + retried).toBe(messages);
  expect(outcome.retryMessageIds).toHaveLength(retried);
}

const COPY_PATH: { service: FaultService; command: string }[] = [
  { service: 'S3', command: 'HeadObject' },
  { service: 'S3', command: 'GetBucketOwnershipControls' },
  { service: 'S3', command: 'CopyObject' },
  { service: 'DynamoDB', command: 'Put' },
  { service: 'DynamoDB', command: 'Get' },
  { service: 'DynamoDB', command: 'Update' },
  // The fresh diagnosis before any write.
  { service: 'S3', command: 'GetBucketReplication' },
  { service: 'IAM', command: 'GetRolePolicy' },
  { service: 'S3', command: 'GetBucketVersioning' },
];

describe('faults while copying in place', () => {
  const cases = COPY_PATH.flatMap((call) => FAULT_KINDS.map((kind) => ({ ...call, kind })));

  it.each(cases)(
    '$service $command $kind: the record ends in one outcome and a retry copies exactly once',
    async ({ service, command, kind }) => {
      const { ports, ledger, clock } = await setup();
      const item = message('m1', fixedFailure, await diagnosisOf(FIXED));
      fault = { service, command, kind, times: Number.POSITIVE_INFINITY, injected: 0 };
      tally.inputs += 1;

      const first = await actOnDiagnoses([item], ports);

      expect(fault.injected, 'the drilled call was made').toBeGreaterThan(0);
      expectAccounted(first, 1);
      fault = undefined;
      // Redelivered, as SQS does, until the record leaves the queue; past the ledger's lease when it waits.
      let last = first;
      for (let delivery = 0; last.counts.retried === 1 && delivery < 3; delivery += 1) {
        clock.now += 16 * 60_000;
        tally.inputs += 1;
        last = await actOnDiagnoses([item], ports);
        expectAccounted(last, 1);
      }
      expect(last.counts.retried, 'the record left the queue once the fault was gone').toBe(0);
      // Faulted sends never reach S3, so every CopyObject S3 saw went through.
      const answered = s3.commandCalls(CopyObjectCommand).length;
      if (kind === 'access-denied') {
        // A denial is an answer, not an outage: notified with the reason, or copied; never twice.
        expect(answered).toBeLessThanOrEqual(1);
      } else {
        expect(answered, 'exactly one copy in place went through').toBe(1);
      }
      const entry = await ledger.read({
        bucket: fixedFailure.sourceBucket,
        key: fixedFailure.key,
        versionId: VERSION,
      });
      if (answered === 1) expect(entry).toMatchObject({ kind: 'copy-attempt' });
    },
  );

  it('recovers from one throttle on the copy without giving the record back (retried and succeeded)', async () => {
    const { ports } = await setup();
    fault = { service: 'S3', command: 'CopyObject', kind: 'throttling', times: 1, injected: 0 };
    tally.inputs += 1;

    const outcome = await actOnDiagnoses([message('m1', fixedFailure, await diagnosisOf(FIXED))], ports);

    expect(fault.injected).toBe(1);
    expect(outcome.counts).toMatchObject({ copied: 1, retried: 0 });
    expect(outcome.retryMessageIds).toEqual([]);
  });
});

describe('faults while notifying', () => {
  const CHANNELS: { service: Fault['service']; command: string; channel: string }[] = [
    { service: 'SNS', command: 'Publish', channel: 'sns' },
    { service: 'SSM', command: 'GetParameter', channel: 'slack' },
    { service: 'Slack', command: 'POST', channel: 'slack' },
    { service: 'SecretsManager', command: 'GetSecretValue', channel: 'webhook' },
    { service: 'Webhook', command: 'POST', channel: 'webhook' },
  ];
  const cases = CHANNELS.flatMap((call) => FAULT_KINDS.map((kind) => ({ ...call, kind })));

  it.each(cases)(
    '$service $command $kind: the other channels deliver, the failure is recorded and alarmed',
    async ({ service, command, channel, kind }) => {
      const { ports, log } = await setup();
      fault = { service, command, kind, times: Number.POSITIVE_INFINITY, injected: 0 };
      tally.inputs += 1;

      const outcome = await actOnDiagnoses(
        [message('m1', failureOf(BROKEN), await diagnosisOf(BROKEN))],
        ports,
      );

      expect(fault.injected).toBeGreaterThan(0);
      expectAccounted(outcome, 1);
      expect(outcome.counts).toMatchObject({ notified: 1, notifications: 1, deliveryErrors: 1, retried: 0 });
      expect(log.entries.filter((e) => e.level === 'error')).toEqual([
        expect.objectContaining({
          message: 'notification not delivered',
          fields: expect.objectContaining({ channel }),
        }),
      ]);
      // A transient failure was retried by the channel before it gave up.
      if (kind !== 'access-denied' && (service === 'Slack' || service === 'Webhook'))
        expect(fault.injected).toBeGreaterThan(1);
    },
  );

  it('keeps the record on its queue when no channel takes the message, and delivers it on the retry', async () => {
    const { ports } = await setup();
    const item = message('m1', failureOf(BROKEN), await diagnosisOf(BROKEN));
    sns.on(PublishCommand).rejects(awsFault('server-error', 'SNS'));
    ssm.on(GetParameterCommand).rejects(awsFault('throttling', 'SSM'));
    secretsManager.on(GetSecretValueCommand).rejects(awsFault('timeout', 'SecretsManager'));
    tally.inputs += 1;

    const outage = await actOnDiagnoses([item], ports);
    sns.on(PublishCommand).resolves({ MessageId: 'sns-2' });
    const retry = await actOnDiagnoses([item], ports);

    expect(outage.retryMessageIds).toEqual(['m1']);
    expect(outage.counts).toMatchObject({ retried: 1, deliveryErrors: 3 });
    expect(retry.counts).toMatchObject({ notified: 1, retried: 0 });
  });
});

describe('faults on the incident store and the dead-letter queue', () => {
  const WRITES = ['BatchWrite', 'Update', 'Get', 'Query'];
  const cases = WRITES.flatMap((command) => FAULT_KINDS.map((kind) => ({ command, kind })));

  it.each(cases)(
    'DynamoDB $command $kind while recording a storm: records retried, then recorded once',
    async ({ command, kind }) => {
      const { ports, store } = await setup({ incidents: true });
      const diagnosis = await diagnosisOf(BROKEN);
      const broken = failureOf(BROKEN);
      const batch = Array.from({ length: 5 }, (_, i) =>
        message(
          `m${i}`,
          { ...broken, key: `storm/${i}`, versionId: `v${i}` },
          {
            ...diagnosis,
            failure: { ...diagnosis.failure, key: `storm/${i}`, versionId: `v${i}` },
          },
        ),
      );
      fault = { service: 'DynamoDB', command, kind, times: Number.POSITIVE_INFINITY, injected: 0 };
      tally.inputs += batch.length;

      let first: ActOutcome | undefined;
      await expect(
        (async () => {
          first = await actOnDiagnoses(batch, ports);
        })(),
      ).resolves.toBeUndefined();
      fault = undefined;

      if (!first) throw new Error('no outcome');
      expectAccounted(first, batch.length);
      const retried = batch.filter((m) => first?.retryMessageIds.includes(m.messageId));
      if (retried.length > 0) await actOnDiagnoses(retried, ports);
      const [incident] = await store.listOpen();
      expect(await store.countObjects(incident?.incidentId ?? '')).toBe(batch.length);
    },
  );

  it.each(FAULT_KINDS)(
    'SQS SendMessage %s: an unreadable event stays on its queue until the DLQ takes it',
    async (kind) => {
      const { ports } = await setup();
      const bad = { messageId: 'bad', body: '{"detail": 42}' };
      fault = { service: 'SQS', command: 'SendMessage', kind, times: Number.POSITIVE_INFINITY, injected: 0 };
      tally.inputs += 1;

      const outage = await actOnDiagnoses([bad], ports);
      fault = undefined;
      const retry = await actOnDiagnoses([bad], ports);

      expect(outage.retryMessageIds).toEqual(['bad']);
      expect(retry.counts).toMatchObject({ deadLettered: 1, retried: 0 });
      expect(
        sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageAttributes?.reason?.StringValue,
      ).toBe('event has no detail object');
    },
  );
});

describe('a function killed mid-copy', () => {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  it.each([
    { when: 'before S3 took the CopyObject', applied: false },
    { when: 'after S3 applied the CopyObject', applied: true },
  ])(
    '$when: redeliveries wait for the lease, then the work is finished with one copy',
    async ({ applied }) => {
      const { ports, clock } = await setup();
      const item = message('m1', fixedFailure, await diagnosisOf(FIXED));
      // The killed invocation: its CopyObject never answers, and it never releases its claim.
      let killed = false;
      s3.on(CopyObjectCommand).callsFake(() => {
        if (!killed) {
          killed = true;
          if (applied) object.current = 'copy-by-killed-worker';
          return new Promise(() => {});
        }
        object.current = 'copy-by-retry';
        return Promise.resolve({ VersionId: object.current });
      });
      tally.inputs += 1;
      void actOnDiagnoses([item], ports);
      await settle();
      expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(1);

      const withinLease = await actOnDiagnoses([item], ports);
      clock.now += 16 * 60_000;
      const afterLease = await actOnDiagnoses([item], ports);

      expect(withinLease.retryMessageIds, 'kept, not dropped as a duplicate').toEqual(['m1']);
      expectAccounted(afterLease, 1);
      if (applied) {
        // The killed worker's copy landed: the failed version is no longer current, so it is not copied again.
        expect(afterLease.counts).toMatchObject({ notified: 1, copied: 0 });
        expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(1);
      } else {
        expect(afterLease.counts).toMatchObject({ copied: 1 });
        expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(2);
      }
    },
  );

  it('releases its claim when planning fails, so the very next delivery copies', async () => {
    const { ports } = await setup();
    const item = message('m1', fixedFailure, await diagnosisOf(FIXED));
    fault = {
      service: 'S3',
      command: 'GetBucketOwnershipControls',
      kind: 'server-error',
      times: 1,
      injected: 0,
    };
    tally.inputs += 1;

    const first = await actOnDiagnoses([item], ports);
    const second = await actOnDiagnoses([item], ports);

    expect(first.retryMessageIds).toEqual(['m1']);
    expect(second.counts).toMatchObject({ copied: 1, retried: 0 });
  });

  it.each(FAULT_KINDS)(
    'multipart, %s after 2 parts: the upload is aborted, never completed, and the retry copies once',
    async (kind) => {
      const { ports } = await setup();
      object.size = 12 * 1024 ** 3;
      const item = message('m1', fixedFailure, await diagnosisOf(FIXED));
      let parts = 0;
      let broken = true;
      s3.on(UploadPartCopyCommand).callsFake(async (input: { PartNumber?: number }) => {
        parts += 1;
        if (broken && parts > 2) throw awsFault(kind, 'S3');
        return { CopyPartResult: { ETag: `"part-${input.PartNumber}"` } };
      });
      tally.inputs += 1;

      const killed = await actOnDiagnoses([item], ports);

      expect(killed.retryMessageIds).toEqual(['m1']);
      expect(s3.commandCalls(AbortMultipartUploadCommand).map((c) => c.args[0].input.UploadId)).toEqual([
        'upload-1',
      ]);
      expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);

      broken = false;
      const retry = await actOnDiagnoses([item], ports);

      expect(retry.counts).toMatchObject({ copied: 1, retried: 0 });
      expect(s3.commandCalls(CompleteMultipartUploadCommand).map((c) => c.args[0].input.UploadId)).toEqual([
        'upload-2',
      ]);
      expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    },
  );
});
