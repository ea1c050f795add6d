import { readFileSync } from 'node:fs';
import {
  CopyObjectCommand,
  GetBucketOwnershipControlsCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../shared/aws/dead-letter.js';
import { parseSnapshot, snapshotReads } from '../../shared/aws/index.js';
import { diagnose } from '../../shared/diagnosis/index.js';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import { parseEvents } from '../../shared/events/index.js';
import type { ReplicationFailure } from '../../shared/events/types.js';
import { createIncidentStore } from '../../shared/incidents/store.js';
import { createAttemptLedger } from '../../shared/ledger/index.js';
import type { Notification } from '../../shared/notify/notification.js';
import { actOnDiagnoses } from '../../shared/pipeline/act-on-diagnoses.js';
import { createActPorts } from '../../shared/pipeline/act-ports.js';
import type { QueueMessage } from '../../shared/pipeline/diagnose-queue-batch.js';
import type { ActionSettings } from '../../shared/remediation/action-policy.js';
import { RequestPacer } from '../../shared/remediation/copy-in-place.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';

const s3 = mockClient(S3Client);

const scenario = (name: string, file: string) =>
  JSON.parse(readFileSync(new URL(`../../events/scenarios/${name}/${file}`, import.meta.url), 'utf8'));

function failureOf(name: string): ReplicationFailure {
  const [record] = parseEvents(scenario(name, 'event.json'));
  if (record?.kind !== 'failure') throw new Error(`no failure in ${name}`);
  return record.failure;
}

const FIXED = 'fixed-since-no-cause-found';
const BROKEN = 'cross-account-destination-bucket-policy-missing';
const fixedFailure = failureOf(FIXED);
const VERSION = fixedFailure.versionId as string;
const ETAG = '"e12345ca7e88a38428305d3ff7fcb99f"';

function message(id: string, failure: ReplicationFailure, diagnosis: Diagnosis): QueueMessage {
  return {
    messageId: id,
    body: JSON.stringify({
      source: 's3-replication-doctor.diagnosis',
      'detail-type': 'Replication Failure Diagnosed',
      detail: { failure, diagnosis, mode: 'plan' },
    }),
  };
}

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

interface Setup {
  /** Record failures with a cause as incidents, with this Slack edit interval. */
  incidents?: { slackUpdateIntervalMs: number };
  settings?: ActionSettings;
  /** What a fresh diagnosis sees now. */
  now?: string;
  deliver?: boolean;
}

async function setup(options: Setup = {}) {
  const table = await dynamo.createLedgerTable();
  const ledger = createAttemptLedger(dynamo.doc, table, { maxCopiesPerObject: 1 });
  const store = createIncidentStore(dynamo.doc, table);
  const sent: Notification[] = [];
  const slackEdits: string[] = [];
  const letters: DeadLetter[] = [];
  const ports = createActPorts({
    settings: async () => ({
      ...(options.settings ?? { mode: 'auto', autoRetrigger: ['*'] }),
      source: 'parameter',
      warnings: [],
    }),
    freshReads: snapshotReads(parseSnapshot(scenario(options.now ?? FIXED, 'snapshot.json')), {
      cacheTtlMs: 0,
    }),
    ledger,
    ...(options.incidents
      ? { incidents: { store, slackUpdateIntervalMs: options.incidents.slackUpdateIntervalMs } }
      : {}),
    s3: new S3Client({ region: 'us-east-1' }),
    pacer: new RequestPacer({ ratePerSecond: 10_000 }),
    notifier: {
      async notify(notification, notifyOptions) {
        if (notifyOptions?.slackMessage) {
          slackEdits.push(notifyOptions.slackMessage.ts);
          return { delivered: ['slack'], failed: [] };
        }
        sent.push(notification);
        return options.deliver === false
          ? { delivered: [], failed: [{ channel: 'sns', error: 'unavailable', permanent: false }] }
          : { delivered: ['sns', 'slack'], failed: [], slack: { ts: '1732521600.000100', channel: 'C123' } };
      },
    },
    deadLetters: {
      async send(letter) {
        letters.push(letter);
      },
    },
    log: { info() {}, warn() {}, error() {} },
  });
  return { ports, ledger, store, sent, letters, slackEdits };
}

async function diagnosisOf(name: string, failure = failureOf(name)): Promise<Diagnosis> {
  return diagnose(failure, snapshotReads(parseSnapshot(scenario(name, 'snapshot.json'))));
}

function currentVersionIs(versionId: string) {
  s3.on(HeadObjectCommand).resolves({
    VersionId: versionId,
    ETag: ETAG,
    ContentLength: 1024,
    ContentType: 'application/pdf',
    Metadata: { owner: 'finance' },
    StorageClass: 'STANDARD',
  });
}

describe('acting on diagnoses', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(GetBucketOwnershipControlsCommand).resolves({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    s3.on(CopyObjectCommand).resolves({ VersionId: 'copy-v2' });
  });

  it('copies the failed version in place once the cause is gone, guarded by its ETag on both sides', async () => {
    // Prepare
    const { ports, sent } = await setup();
    currentVersionIs(VERSION);
    const diagnosis = await diagnosisOf(FIXED);

    // Act
    const outcome = await actOnDiagnoses([message('m1', fixedFailure, diagnosis)], ports);

    // Assess
    expect(outcome.counts).toMatchObject({ copied: 1, notified: 0, retried: 0, notifications: 1 });
    const copies = s3.commandCalls(CopyObjectCommand);
    expect(copies).toHaveLength(1);
    expect(copies[0]?.args[0].input).toMatchObject({
      Bucket: fixedFailure.sourceBucket,
      Key: fixedFailure.key,
      CopySource: expect.stringContaining(`?versionId=${encodeURIComponent(VERSION)}`),
      CopySourceIfMatch: ETAG,
      IfMatch: ETAG,
      MetadataDirective: 'REPLACE',
      Metadata: { owner: 'finance' },
      ContentType: 'application/pdf',
      TaggingDirective: 'COPY',
    });
    expect(sent[0]?.plannedCopies?.[0]).toMatchObject({ executed: true, outcome: 'new version copy-v2' });
  });

  it('never copies an outdated version over a newer one', async () => {
    const { ports, sent } = await setup();
    currentVersionIs('a-newer-version');

    const outcome = await actOnDiagnoses([message('m1', fixedFailure, await diagnosisOf(FIXED))], ports);

    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(outcome.counts).toMatchObject({ copied: 0, notified: 1 });
    expect(sent[0]?.diagnoses[0]?.notes?.join(' ')).toMatch(/Not copied/);
  });

  it('copies once when the same event is delivered twice, in one batch and in a later one', async () => {
    const { ports } = await setup();
    currentVersionIs(VERSION);
    const diagnosis = await diagnosisOf(FIXED);

    const first = await actOnDiagnoses(
      [message('m1', fixedFailure, diagnosis), message('m2', fixedFailure, diagnosis)],
      ports,
    );
    const second = await actOnDiagnoses([message('m3', fixedFailure, diagnosis)], ports);

    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(1);
    expect(first.counts).toMatchObject({ copied: 1, ignored: 1 });
    expect(second.counts).toMatchObject({ copied: 0, ignored: 1 });
  });

  it('announces a copy whose first notification reached no channel when the retried record finds it done', async () => {
    // Prepare: the copy succeeds but no channel takes its notification, so the record is retried
    const options: Setup = { deliver: false };
    const { ports, sent } = await setup(options);
    currentVersionIs(VERSION);
    const diagnosis = await diagnosisOf(FIXED);
    const first = await actOnDiagnoses([message('m1', fixedFailure, diagnosis)], ports);
    expect(first.retryMessageIds).toEqual(['m1']);

    // Act: the retry, with the channel back
    options.deliver = true;
    const retried = await actOnDiagnoses([message('m1', fixedFailure, diagnosis)], ports);

    // Assess: nothing copied twice, and the copy is announced
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(1);
    expect(retried.retryMessageIds).toEqual([]);
    expect(sent.at(-1)?.plannedCopies?.[0]).toMatchObject({
      executed: true,
      outcome: 'copied in place by an earlier delivery',
    });
  });

  it('does not copy again a version its own copy produced when that one fails too (limit 1)', async () => {
    const { ports, sent } = await setup();
    currentVersionIs(VERSION);
    await actOnDiagnoses([message('m1', fixedFailure, await diagnosisOf(FIXED))], ports);
    const refailed = { ...fixedFailure, versionId: 'copy-v2' };
    currentVersionIs('copy-v2');

    const outcome = await actOnDiagnoses(
      [message('m2', refailed, await diagnosisOf(FIXED, refailed))],
      ports,
    );

    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(1);
    expect(outcome.counts).toMatchObject({ copied: 0, notified: 1 });
    expect(sent.at(-1)?.diagnoses[0]?.notes?.join(' ')).toMatch(/earlier copy in place and failed again/);
  });

  it('in plan mode writes nothing and shows the exact copy request it would send', async () => {
    const { ports, sent, ledger } = await setup({ settings: { mode: 'plan', autoRetrigger: ['*'] } });
    currentVersionIs(VERSION);

    const outcome = await actOnDiagnoses([message('m1', fixedFailure, await diagnosisOf(FIXED))], ports);

    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(outcome.counts).toMatchObject({ planned: 1, copied: 0 });
    expect(sent[0]?.mode).toBe('plan');
    expect(sent[0]?.plannedCopies?.[0]).toMatchObject({
      executed: false,
      request: { CopySourceIfMatch: ETAG },
    });
    expect(
      await ledger.read({ bucket: fixedFailure.sourceBucket, key: fixedFailure.key, versionId: VERSION }),
    ).toBeUndefined();
  });

  it('does not copy when a fresh diagnosis finds the cause still there, and notifies it instead', async () => {
    const { ports, sent } = await setup({ now: BROKEN });
    currentVersionIs(VERSION);

    const outcome = await actOnDiagnoses([message('m1', fixedFailure, await diagnosisOf(FIXED))], ports);

    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(outcome.counts).toMatchObject({ notified: 1, copied: 0 });
    expect(sent[0]?.diagnoses[0]?.causes[0]?.location).toBe('destination-bucket-policy');
  });

  it('sends one notification for many failures of one cause', async () => {
    const { ports, sent } = await setup();
    const broken = failureOf(BROKEN);
    const diagnosis = await diagnosisOf(BROKEN);
    const messages = Array.from({ length: 50 }, (_, i) =>
      message(
        `m${i}`,
        { ...broken, key: `k/${i}` },
        { ...diagnosis, failure: { ...diagnosis.failure, key: `k/${i}` } },
      ),
    );

    const outcome = await actOnDiagnoses(messages, ports);

    expect(outcome.counts).toMatchObject({ notified: 50, notifications: 1 });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.objects).toHaveLength(50);
  });

  it('dead-letters an unreadable event with its reason and keeps records whose notification reached no channel', async () => {
    const { ports, letters } = await setup({ deliver: false });
    const broken = failureOf(BROKEN);

    const outcome = await actOnDiagnoses(
      [{ messageId: 'bad', body: '{"detail": 42}' }, message('m1', broken, await diagnosisOf(BROKEN))],
      ports,
    );

    expect(letters).toEqual([
      { body: '{"detail": 42}', reason: 'event has no detail object', sourceId: 'bad' },
    ]);
    expect(outcome.retryMessageIds).toEqual(['m1']);
    expect(outcome.counts).toMatchObject({ deadLettered: 1, retried: 1, notified: 0 });
  });

  describe('with incidents', () => {
    const broken = failureOf(BROKEN);
    const stormBatch = async (batch: number, size: number, diagnosis: Diagnosis) =>
      Array.from({ length: size }, (_, i) => {
        const key = `storm/${batch}/${i}.bin`;
        return message(
          `b${batch}-${i}`,
          { ...broken, key, versionId: `v${batch}-${i}` },
          {
            ...diagnosis,
            failure: { ...diagnosis.failure, key, versionId: `v${batch}-${i}` },
          },
        );
      });

    it('makes a storm one incident: one opening notice, every object in the ledger, Slack edited in place', async () => {
      // Prepare: Slack edits allowed every time (interval 0), to count them
      const { ports, store, sent, slackEdits } = await setup({ incidents: { slackUpdateIntervalMs: 0 } });
      const diagnosis = await diagnosisOf(BROKEN);

      // Act: 4 batches of 50 failures with one cause
      const outcomes = [];
      for (let batch = 0; batch < 4; batch++)
        outcomes.push(await actOnDiagnoses(await stormBatch(batch, 50, diagnosis), ports));

      // Assess
      expect(sent).toHaveLength(1);
      expect(sent[0]?.incident).toMatchObject({ state: 'opened', count: 50 });
      expect(sent[0]?.title).toMatch(/^Incident opened: /);
      expect(slackEdits).toEqual(['1732521600.000100', '1732521600.000100', '1732521600.000100']);
      expect(outcomes.map((o) => o.counts.recorded)).toEqual([50, 50, 50, 50]);
      const [incident] = await store.listOpen();
      expect(incident).toMatchObject({ count: 200, slack: { ts: '1732521600.000100', channel: 'C123' } });
      expect(await store.countObjects(incident?.incidentId ?? '')).toBe(200);
    });

    it('edits the Slack message at most once per interval', async () => {
      const { ports, sent, slackEdits } = await setup({ incidents: { slackUpdateIntervalMs: 3_600_000 } });
      const diagnosis = await diagnosisOf(BROKEN);

      for (let batch = 0; batch < 4; batch++)
        await actOnDiagnoses(await stormBatch(batch, 20, diagnosis), ports);

      expect(sent).toHaveLength(1);
      expect(slackEdits).toEqual([]);
    });

    it('keeps notifying directly what opens no incident: a planned copy in place', async () => {
      const { ports, sent, store } = await setup({
        incidents: { slackUpdateIntervalMs: 0 },
        settings: { mode: 'plan', autoRetrigger: [] },
      });
      currentVersionIs(VERSION);

      const outcome = await actOnDiagnoses([message('m1', fixedFailure, await diagnosisOf(FIXED))], ports);

      expect(outcome.counts).toMatchObject({ planned: 1, recorded: 0 });
      expect(sent[0]?.incident).toBeUndefined();
      expect(await store.listOpen()).toEqual([]);
    });
  });
});
