import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../shared/aws/index.js';
import { main } from '../../shared/cli/main.js';
import { mockLiveAccount } from '../support/live-account.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIO = join(ROOT, 'events/scenarios/sse-kms-destination-key-policy-lacks-role');

let restore: (() => void) | undefined;

async function mockLiveAccountFrom(snapshotPath: string): Promise<void> {
  restore = mockLiveAccount(parseSnapshot(JSON.parse(await readFile(snapshotPath, 'utf8'))));
}

afterEach(() => {
  restore?.();
  restore = undefined;
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
    restore?.();
    restore = undefined;
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
