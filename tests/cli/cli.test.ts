import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../shared/cli/main.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const at = (path: string) => join(ROOT, path);
const SCENARIO = 'events/scenarios/destination-versioning-suspended';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('the command line', () => {
  it('prints exactly the diagnosis contract with --json and nothing else on stdout (as run by npm)', async () => {
    // Prepare / Act: the way the README runs it, in a real process
    const { stdout, stderr } = await promisify(execFile)(
      'npm',
      [
        'run',
        '--silent',
        'cli',
        '--',
        'diagnose',
        '--event',
        at(`${SCENARIO}/event.json`),
        '--snapshot',
        at(`${SCENARIO}/snapshot.json`),
        '--json',
      ],
      { cwd: ROOT },
    );

    // Assess
    const parsed = JSON.parse(stdout) as { diagnoses: { verdict: string; causes: { problem: string }[] }[] };
    expect(parsed.diagnoses).toHaveLength(1);
    expect(parsed.diagnoses[0]?.verdict).toBe('root-cause-found');
    expect(parsed.diagnoses[0]?.causes[0]?.problem).toBe('versioning-not-enabled');
    expect(stderr).toBe('');
  }, 60_000);

  it('prints a readable report with the verdict, the cause and the fix command without --json', async () => {
    const { io, out } = capture();

    const status = await main(
      ['diagnose', '--event', at(`${SCENARIO}/event.json`), '--snapshot', at(`${SCENARIO}/snapshot.json`)],
      io,
    );

    expect(status).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('Verdict: root cause found. Action: notify.');
    expect(text).toContain('destination-bucket-configuration / versioning-not-enabled');
    expect(text).toContain('aws s3api put-bucket-versioning');
  });

  it('answers the S3 test event with an empty diagnosis list', async () => {
    const { io, out } = capture();
    const status = await main(
      [
        'diagnose',
        '--event',
        at('events/envelopes/s3-test-event.json'),
        '--snapshot',
        at(`${SCENARIO}/snapshot.json`),
        '--json',
      ],
      io,
    );
    expect(status).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual({ diagnoses: [] });
  });

  it.each([
    [
      'an invalid event',
      'events/invalid/missing-replication-data.json',
      /invalid event in .*missing-replication-data\.json: .*replicationEventData/,
    ],
    ['a file that is not JSON', 'events/invalid/not-json.txt', /invalid event in .*not-json\.txt/],
    [
      'a missing file',
      'events/no-such-file.json',
      /cannot read event file .*no-such-file\.json: no such file/,
    ],
  ])('exits 2 with one line naming the file for %s', async (_case, file, pattern) => {
    const { io, out, err } = capture();

    const status = await main(
      ['diagnose', '--event', at(file), '--snapshot', at(`${SCENARIO}/snapshot.json`)],
      io,
    );

    expect(status).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(pattern);
    expect(err[0]).not.toMatch(/\n\s+at /);
  });

  it('exits 2 naming the problem for a snapshot that breaks the format', async () => {
    const { io, err } = capture();
    const status = await main(
      ['diagnose', '--event', at(`${SCENARIO}/event.json`), '--snapshot', at(`${SCENARIO}/event.json`)],
      io,
    );
    expect(status).toBe(2);
    expect(err[0]).toMatch(/snapshot|format/i);
  });

  it.each([
    [['diagnose'], /missing --event/],
    [['diagnose', '--event'], /--event/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['diagnose', '--event', 'x', '--bogus'], /bogus/],
  ])('exits 2 on bad usage %j', async (argv, pattern) => {
    const { io, err } = capture();
    expect(await main(argv, io)).toBe(2);
    expect(err[0]).toMatch(pattern);
  });

  it('runs the demo over every scenario and writes a text and a JSON report for each', async () => {
    const { io, out } = capture();
    const dir = await mkdtemp(join(tmpdir(), 'demo-'));

    const status = await main(['demo', '--out', dir], io);

    expect(status).toBe(0);
    const scenarios = (await readdir(at('events/scenarios'))).sort();
    expect((await readdir(dir)).sort()).toEqual(scenarios);
    const json = JSON.parse(
      await readFile(join(dir, 'destination-versioning-suspended', 'diagnosis.json'), 'utf8'),
    );
    expect(json.diagnoses[0].verdict).toBe('root-cause-found');
    expect(out.join('\n')).toMatch(
      new RegExp(`${scenarios.length} failures diagnosed offline from ${scenarios.length} scenarios`),
    );
  });

  it('previews the notification for a re-trigger with the exact copy request, sending nothing', async () => {
    const { io, out } = capture();
    const hardDeleted = 'events/scenarios/destination-version-hard-deleted';

    const status = await main(
      [
        'notify',
        '--preview',
        '--event',
        at(`${hardDeleted}/event.json`),
        '--snapshot',
        at(`${hardDeleted}/snapshot.json`),
      ],
      io,
    );

    expect(status).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('Mode: plan — nothing was changed');
    expect(text).toMatch(/"CopySourceIfMatch":"\\"e12345ca7e88a38428305d3ff7fcb99f\\""/);
    expect(text).toContain('--- Slack (Block Kit) ---');
    expect(text).toMatch(/1 failure\(s\) make 1 notification\(s\)/);
  });

  it.each([
    [['notify', '--event', 'x', '--snapshot', 'y'], /use notify --preview/],
    [['notify', '--preview', '--event', 'x'], /missing --snapshot/],
    [
      ['notify', '--preview', '--event', 'x', '--snapshot', 'y', '--mode', 'yolo'],
      /MODE must be "plan" or "auto"/,
    ],
    [['retrigger', '--key', 'k'], /missing --bucket/],
    [['retrigger', '--bucket', 'b'], /missing --key/],
  ])('exits 2 on bad usage of the action commands %j', async (argv, pattern) => {
    const { io, err } = capture();
    expect(await main(argv, io)).toBe(2);
    expect(err[0]).toMatch(pattern);
  });
});
