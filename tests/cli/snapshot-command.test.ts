import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsService } from '../../shared/aws/caller.js';
import { createReplayCaller, parseSnapshot } from '../../shared/aws/index.js';
import { LIVE_COMMANDS } from '../../shared/aws/live-commands.js';
import { main } from '../../shared/cli/main.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIO = join(ROOT, 'events/scenarios/sse-kms-destination-key-policy-lacks-role');

// biome-ignore lint/suspicious/noExplicitAny: one stub type over five differently typed clients
const mocks: AwsStub<any, any, any>[] = [];

/**
 * Stands in for a live account: every SDK client the live gateway creates is mocked, and each command is
 * answered from a scenario's recorded calls. The `snapshot` command runs against it as against AWS.
 */
async function mockLiveAccountFrom(snapshotPath: string): Promise<void> {
  const replay = createReplayCaller(parseSnapshot(JSON.parse(await readFile(snapshotPath, 'utf8'))));
  const clients: [AwsService, Parameters<typeof mockClient>[0]][] = [
    ['S3', S3Client],
    ['IAM', IAMClient],
    ['KMS', KMSClient],
    ['STS', STSClient],
    ['Organizations', OrganizationsClient],
  ];
  for (const [service, client] of clients) {
    const mock = mockClient(client);
    mocks.push(mock);
    for (const [command, commandClass] of Object.entries(LIVE_COMMANDS[service] ?? {})) {
      // biome-ignore lint/suspicious/noExplicitAny: the command table is typed loosely on purpose
      mock
        .on(commandClass as any)
        .callsFake((input: Record<string, unknown>) => replay.send(service, command, input));
    }
  }
}

afterEach(() => {
  for (const mock of mocks.splice(0)) mock.restore();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('recording a snapshot from a live account', () => {
  it('records the reads of a live diagnosis so that replaying them gives the same diagnosis', async () => {
    // Prepare
    await mockLiveAccountFrom(join(SCENARIO, 'snapshot.json'));
    const dir = await mkdtemp(join(tmpdir(), 'snapshot-'));
    const recorded = join(dir, 'recorded.json');
    const event = join(SCENARIO, 'event.json');

    // Act: record from the (mocked) live account, then diagnose live and from the recording
    const record = capture();
    expect(
      await main(['snapshot', '--event', event, '--out', recorded, '--region', 'us-east-1'], record.io),
    ).toBe(0);
    const live = capture();
    expect(await main(['diagnose', '--event', event, '--json', '--region', 'us-east-1'], live.io)).toBe(0);
    for (const mock of mocks.splice(0)) mock.restore();
    const replayed = capture();
    expect(await main(['diagnose', '--event', event, '--snapshot', recorded, '--json'], replayed.io)).toBe(0);

    // Assess
    const snapshot = JSON.parse(await readFile(recorded, 'utf8'));
    expect(snapshot.format).toBe('s3-replication-snapshot/v1');
    expect(snapshot.calls.length).toBeGreaterThan(5);
    expect(JSON.stringify(snapshot)).not.toMatch(/SecretAccessKey|SessionToken/);
    expect(record.err.join('\n')).toMatch(/wrote \d+ recorded calls/);
    const liveDiagnosis = JSON.parse(live.out.join(''));
    expect(liveDiagnosis.diagnoses[0].causes[0]).toMatchObject({
      location: 'destination-kms-key',
      missingActions: ['kms:Encrypt', 'kms:GenerateDataKey'],
    });
    expect(JSON.parse(replayed.out.join(''))).toEqual(liveDiagnosis);
  });
});
