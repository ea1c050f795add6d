import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshotFile, snapshotReads } from '../../shared/aws/index.js';
import { runNotifyPreview } from '../../shared/cli/commands/notify.js';
import { readFailures } from '../../shared/cli/io.js';
import { diagnose } from '../../shared/diagnosis/index.js';
import { buildNotification, groupByCause } from '../../shared/notify/notification.js';
import { renderPreview } from '../../shared/notify/preview.js';
import type { SlackMessage } from '../../shared/notify/slack.js';
import { SNS_MAX_BYTES, snsPublishBytes } from '../../shared/notify/sns.js';
import { fixturePath } from '../support/fixtures.js';
import { rootCause } from './diagnoses.js';

const SCENARIOS = fixturePath('events/scenarios');
const SCENARIO = 'sse-kms-destination-key-policy-lacks-role';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('renderPreview', () => {
  it('renders the text, the Slack message, the SNS publish and the webhook payload of one notification', () => {
    const n = buildNotification({ diagnoses: [rootCause()], mode: 'plan', decision: 'notify' });

    const preview = renderPreview(n, { topicArn: 'arn:aws:sns:us-east-1:123456789012:t' });

    expect(preview.text.split('\n')[0]).toBe(`[CRITICAL] ${n.title}`);
    expect(preview.slack.blocks[0]?.type).toBe('header');
    expect(preview.sns.TopicArn).toBe('arn:aws:sns:us-east-1:123456789012:t');
    expect(JSON.parse(preview.sns.Message ?? '').email).toBe(preview.text);
    expect(preview.webhook.title).toBe(n.title);
  });

  it('renders every bundled scenario within the SNS and Slack limits', async () => {
    const names = (await readdir(SCENARIOS, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(names.length).toBeGreaterThan(40);
    const severities = new Set<string>();

    for (const name of names) {
      const { failures } = await readFailures(join(SCENARIOS, name, 'event.json'));
      const reads = snapshotReads(await readSnapshotFile(join(SCENARIOS, name, 'snapshot.json')));
      const diagnoses = await Promise.all(failures.map((failure) => diagnose(failure, reads)));
      for (const group of groupByCause(diagnoses)) {
        const decision = group[0]?.action ?? 'notify';
        const preview = renderPreview(buildNotification({ diagnoses: group, mode: 'plan', decision }));
        severities.add(`${group[0]?.verdict}:${preview.webhook.severity}`);

        expect(snsPublishBytes(preview.sns), name).toBeLessThanOrEqual(SNS_MAX_BYTES);
        expect(preview.sns.Subject?.length, name).toBeLessThanOrEqual(100);
        expect(preview.slack.blocks.length, name).toBeLessThanOrEqual(50);
        expect(preview.text, name).toContain('Mode: plan — nothing was changed');
      }
    }
    expect([...severities].sort()).toEqual([
      'inconclusive:warning',
      'no-action-needed:info',
      'no-cause-found:info',
      'root-cause-found:critical',
    ]);
  });
});

describe('notify --preview', () => {
  it('prints the text and the Slack JSON of each notification, and writes every rendering to --out', async () => {
    const out = await mkdtemp(join(tmpdir(), 'notify-preview-'));
    const { io, out: printed } = capture();

    const status = await runNotifyPreview(
      {
        event: join(SCENARIOS, SCENARIO, 'event.json'),
        snapshot: join(SCENARIOS, SCENARIO, 'snapshot.json'),
        out,
      },
      io,
    );

    expect(status).toBe(0);
    const text = printed.join('\n');
    expect(text).toContain('=== Notification 1 of 1: critical, 1 object(s) ===');
    expect(text).toContain('Cause 1: destination-kms-key / action-not-allowed');
    expect(text).toContain('"type": "header"');
    expect(text).toContain('Mode: plan — nothing was sent.');
    expect((await readdir(out)).sort()).toEqual([
      'notification-01.slack.json',
      'notification-01.sns.json',
      'notification-01.txt',
      'notification-01.webhook.json',
    ]);
    const slack = JSON.parse(await readFile(join(out, 'notification-01.slack.json'), 'utf8')) as SlackMessage;
    expect(slack.blocks.some((b) => b.type === 'section' && b.text?.text.includes('kms:Encrypt'))).toBe(true);
    const sns = JSON.parse(await readFile(join(out, 'notification-01.sns.json'), 'utf8')) as {
      MessageStructure: string;
    };
    expect(sns.MessageStructure).toBe('json');
  });

  it('makes one notification for the same cause delivered twice, listing the object once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notify-twice-'));
    const event = JSON.parse(await readFile(join(SCENARIOS, SCENARIO, 'event.json'), 'utf8')) as {
      Records: unknown[];
    };
    const twice = join(dir, 'event.json');
    await writeFile(twice, JSON.stringify({ Records: [...event.Records, ...event.Records] }));
    const { io, out } = capture();

    await runNotifyPreview(
      { event: twice, snapshot: join(SCENARIOS, SCENARIO, 'snapshot.json'), mode: 'auto' },
      io,
    );

    const text = out.join('\n');
    expect(text).toContain('2 failure(s) make 1 notification(s), one per distinct cause. Mode: auto');
    expect(text).toContain('Affected 1 object:');
    expect(text).toContain('Mode: auto — nothing was changed');
  });

  it('uses the action policy and copy planner it is given', async () => {
    const name = 'fixed-since-no-cause-found';
    const { io, out } = capture();

    await runNotifyPreview(
      { event: join(SCENARIOS, name, 'event.json'), snapshot: join(SCENARIOS, name, 'snapshot.json') },
      io,
      {
        decide: () => 'retrigger',
        planCopies: async (diagnoses) =>
          diagnoses.map((d) => ({
            bucket: d.failure.sourceBucket,
            key: d.failure.key,
            request: { Bucket: d.failure.sourceBucket, CopySourceIfMatch: '"etag"' },
            executed: false,
          })),
      },
    );

    const text = out.join('\n');
    expect(text).toContain('Copy in place:');
    expect(text).toContain('"CopySourceIfMatch":"\\"etag\\""');
    expect(text).toContain('a copy in place would re-trigger 1 object');
  });
});
