import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../shared/audit/types.js';
import { AUDIT_EXIT, runAudit } from '../../shared/cli/commands/audit.js';
import { SOURCE_BUCKET } from '../support/seed-setup.js';
import { seedSnapshot } from '../support/snapshot-builder.js';
import { AUDIT_TIME, auditSnapshot, INTAKE_QUEUE_ARN, writeSnapshotFile } from './audit-fixtures.js';
import { AUDIT_FIXTURES } from './generate-fixtures.js';

const FIXTURES = 'events/audit';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

const run = (argv: string[], io = capture()) =>
  runAudit(argv, io.io, { env: {}, now: () => AUDIT_TIME }).then((status) => ({ status, ...io }));

describe('audit command', () => {
  it('exits 0 and prints one line per healthy rule for the healthy seed setup', async () => {
    const { status, out } = await run([
      '--snapshot',
      `${FIXTURES}/seed-healthy.json`,
      '--queue-arn',
      INTAKE_QUEUE_ARN,
    ]);

    expect(status).toBe(AUDIT_EXIT.healthy);
    expect(out.join('\n')).toContain('1 healthy, 0 with problems, 0 inconclusive. 0 problems.');
  });

  it('exits 3 when problems are found, in CI-friendly JSON with --json', async () => {
    const { status, out } = await run([
      '--snapshot',
      `${FIXTURES}/seed-cross-account-no-bucket-policy.json`,
      '--json',
      '--queue-arn',
      INTAKE_QUEUE_ARN,
    ]);

    expect(status).toBe(AUDIT_EXIT.problems);
    const report = JSON.parse(out.join('')) as AuditReport;
    expect(report.problems).toBe(1);
    const rule = report.buckets[0]?.rules[0];
    expect(rule).toMatchObject({ ruleId: 'DR-Replication-Rule', status: 'problems' });
    expect(rule?.probes[0]?.diagnosis.causes[0]).toMatchObject({
      location: 'destination-bucket-policy',
      problem: 'action-not-allowed',
    });
  });

  it('reports metrics off and a bucket not enrolled in the text output', async () => {
    const { status, out } = await run([
      '--snapshot',
      `${FIXTURES}/seed-gaps.json`,
      '--bucket',
      SOURCE_BUCKET,
      '--queue-arn',
      INTAKE_QUEUE_ARN,
    ]);

    expect(status).toBe(AUDIT_EXIT.problems);
    const text = out.join('\n');
    expect(text).toContain('Gap 1: metrics-off');
    expect(text).toContain('Gap 2: not-enrolled');
  });

  it('exits 4 when nothing is wrong but a check could not run', async () => {
    const snapshot = auditSnapshot(
      seedSnapshot().denyRead('S3', 'GetBucketPolicy'),
      'denied bucket policies',
    );
    const path = await writeSnapshotFile(snapshot, 'inconclusive');

    const { status, out } = await run(['--snapshot', path, '--queue-arn', INTAKE_QUEUE_ARN]);

    expect(status).toBe(AUDIT_EXIT.inconclusive);
    expect(out.join('\n')).toContain('INCONCLUSIVE');
  });

  it.each([
    [['--frobnicate'], /Unknown option/],
    [['--queue-arn', 'not-an-arn'], /--queue-arn must be an SQS queue ARN/],
    [['--snapshot', 'events/audit/missing.json'], /missing.json: file not found/],
    [['--bucket', ''], /empty --bucket/],
  ])('exits 2 on bad usage %j', async (argv, message) => {
    const { status, err } = await run(argv);

    expect(status).toBe(AUDIT_EXIT.usage);
    expect(err.join('\n')).toMatch(message);
  });

  it('exits 2 without a region when reading the live account', async () => {
    const { status, err } = await run([]);

    expect(status).toBe(AUDIT_EXIT.usage);
    expect(err.join('\n')).toContain('no region');
  });
});

describe('audit fixtures', () => {
  it.each(Object.keys(AUDIT_FIXTURES))('%s.json is what the seed builder makes today', async (name) => {
    const file = JSON.parse(await readFile(`${FIXTURES}/${name}.json`, 'utf8'));

    expect(file).toEqual(JSON.parse(JSON.stringify(AUDIT_FIXTURES[name]?.())));
  });
});
