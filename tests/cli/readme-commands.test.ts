/**
 * Every project command the README shows, run as written (placeholders filled in) against local stand-ins:
 * snapshots for the offline commands, SDK clients mocked from a recorded account for the live ones, a
 * stateful S3 mock for enroll and retrigger, and dynalite for the incidents table.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GetBucketNotificationConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketReplicationCommand,
  HeadObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketReplicationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../shared/aws/index.js';
import { main } from '../../shared/cli/main.js';
import { diagnose } from '../../shared/diagnosis/index.js';
import { createIncidentStore } from '../../shared/incidents/store.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { mockLiveAccount } from '../support/live-account.js';
import { loadScenario } from '../support/storm.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SCENARIO = 'cross-account-destination-bucket-policy-missing';

/** `npm run --silent cli -- …` lines, comments dropped, split like a shell would (single quotes kept together). */
function readmeCommands(): string[][] {
  return [...README.replace(/\\\n\s*/g, ' ').matchAll(/npm run --silent cli -- ([^\n]+)/g)].map((match) => {
    const line = (match[1] ?? '').replace(/\s+#.*$/, '').trim();
    return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((token) => token[1] ?? token[2] ?? '');
  });
}

const restores: (() => void)[] = [];
afterEach(() => {
  for (const restore of restores.splice(0)) restore();
});

/** The live SDK clients answer from a recorded account, as AWS would. */
function liveAccountFrom(snapshotPath: string): void {
  const restore = mockLiveAccount(parseSnapshot(JSON.parse(readFileSync(join(ROOT, snapshotPath), 'utf8'))));
  restores.push(restore);
}

/** A bucket whose notification and replication documents really change when they are put. */
function statefulBucket(): void {
  const s3 = mockClient(S3Client);
  restores.push(() => s3.restore());
  const { snapshot } = loadScenario(SCENARIO);
  const replication = snapshot.calls.find((call) => call.command === 'GetBucketReplication')?.output;
  let documents = {
    notification: {
      QueueConfigurations: [
        {
          Id: 'existing',
          QueueArn: 'arn:aws:sqs:us-east-1:123456789012:other',
          Events: ['s3:ObjectCreated:*'],
        },
      ],
    },
    replication,
  };
  s3.on(GetBucketNotificationConfigurationCommand).callsFake(() => structuredClone(documents.notification));
  s3.on(GetBucketReplicationCommand).callsFake(() => structuredClone(documents.replication));
  s3.on(PutBucketNotificationConfigurationCommand).callsFake((input) => {
    documents = { ...documents, notification: structuredClone(input.NotificationConfiguration) };
    return {};
  });
  s3.on(PutBucketReplicationCommand).callsFake((input) => {
    documents = {
      ...documents,
      replication: { ReplicationConfiguration: structuredClone(input.ReplicationConfiguration) },
    };
    return {};
  });
  s3.on(HeadObjectCommand).resolves({
    VersionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
    ETag: '"e12345ca7e88a38428305d3ff7fcb99f"',
    ContentLength: 1024,
    ContentType: 'application/pdf',
  });
  s3.on(GetBucketOwnershipControlsCommand).resolves({
    OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
  });
}

let dynamo: LocalDynamo;
let table = '';
let incidentId = '';
const savedEnv = { ...process.env };
beforeAll(async () => {
  dynamo = await startDynalite();
  table = await dynamo.createLedgerTable();
  const { event, snapshot } = loadScenario(SCENARIO);
  const [record] = (await import('../../shared/events/index.js')).parseEvents(event);
  if (record?.kind !== 'failure') throw new Error('no failure');
  const diagnosis = await diagnose(
    record.failure,
    (await import('../../shared/aws/index.js')).snapshotReads(snapshot),
  );
  const store = createIncidentStore(dynamo.doc, table);
  const outcome = await store.recordFailures(diagnosis, [
    {
      bucket: record.failure.sourceBucket,
      key: record.failure.key,
      versionId: record.failure.versionId,
      eventTime: record.failure.eventTime,
    },
  ]);
  incidentId = outcome.incident.incidentId;
  // As the sweep leaves it in plan mode once the cause is gone: a re-drive planned, waiting for approval.
  await store.setRedrive(incidentId, {
    method: 'copy',
    state: 'awaiting-approval',
    objects: 1,
    estimatedRequests: 2,
  });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
  });
});
afterAll(async () => {
  process.env = savedEnv;
  await dynamo.stop();
});

describe('every command the README shows', () => {
  const commands = readmeCommands();

  it('finds the commands', () => {
    expect(commands.map((argv) => argv[0]).sort()).toEqual(
      expect.arrayContaining(['audit', 'diagnose', 'enroll', 'incidents', 'notify', 'retrigger', 'snapshot']),
    );
  });

  it.each(commands.map((argv) => [argv.join(' '), argv]))('runs: %s', async (_line, argv) => {
    // Prepare: stand-ins for what the command reaches
    const dir = await mkdtemp(join(tmpdir(), 'readme-'));
    const [command] = argv as string[];
    const live = !(argv as string[]).includes('--snapshot');
    if (command === 'enroll' || command === 'retrigger') statefulBucket();
    else if (live && command === 'audit')
      liveAccountFrom('events/audit/seed-cross-account-no-bucket-policy.json');
    else if (live && (command === 'diagnose' || command === 'snapshot'))
      liveAccountFrom(`events/scenarios/${SCENARIO}/snapshot.json`);
    const filled = (argv as string[]).map((arg) =>
      arg === 'my-event.json'
        ? join(ROOT, `events/scenarios/${SCENARIO}/event.json`)
        : arg === 'my-account.json'
          ? join(dir, 'my-account.json')
          : arg === '<LedgerTableName>'
            ? table
            : arg === '0123456789abcdef'
              ? incidentId
              : arg.startsWith('events/')
                ? join(ROOT, arg)
                : arg,
    );

    // Act
    const out: string[] = [];
    const err: string[] = [];
    const status = await main(filled, { out: (text) => out.push(text), err: (text) => err.push(text) });

    // Assess: audits of a broken setup exit 3 by design; everything else succeeds
    expect({ status, err: status === 0 || status === 3 ? [] : err }).toEqual({
      status: command === 'audit' ? 3 : 0,
      err: [],
    });
    expect(`${out.join('\n')}${err.join('\n')}`.length).toBeGreaterThan(20);
  });
});
