import { describe, expect, it } from 'vitest';
import type { Cause, Diagnosis } from '../../shared/diagnosis/types.js';
import { buildNotification, type Notification } from '../../shared/notify/notification.js';
import { buildSlackMessage, type SlackMessage, type SlackText } from '../../shared/notify/slack.js';
import { escapeSlack } from '../../shared/notify/slack-format.js';
import { inconclusive, noCauseFound, rolePolicyCause, rootCause, storm } from './diagnoses.js';

function notify(diagnoses: Diagnosis[], decision: 'notify' | 'retrigger' = 'notify'): Notification {
  return buildNotification({ diagnoses, mode: 'plan', decision });
}

/** Every text object of a message, in order, with where it sits. */
function textObjects(message: SlackMessage): SlackText[] {
  const texts: SlackText[] = [];
  for (const block of message.blocks) {
    if (block.type === 'header') texts.push(block.text);
    if (block.type === 'section') {
      if (block.text) texts.push(block.text);
      texts.push(...(block.fields ?? []));
    }
    if (block.type === 'context') texts.push(...block.elements);
  }
  return texts;
}

function allText(message: SlackMessage): string {
  return [message.text, ...textObjects(message).map((t) => t.text)].join('\n');
}

function expectWithinSlackLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const block of message.blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
    if (block.type === 'section') {
      expect(block.text ?? block.fields).toBeDefined();
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      expect((block.fields ?? []).length).toBeLessThanOrEqual(10);
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(2000);
    }
  }
  for (const text of textObjects(message)) expect(text.text.length).toBeGreaterThan(0);
}

describe('the Slack message', () => {
  it('has a header, the cause, the statement and the command in code blocks, the objects and the mode', () => {
    const message = buildSlackMessage(notify([rootCause()]));

    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: expect.objectContaining({
        type: 'plain_text',
        text: expect.stringContaining('Replication blocked'),
      }),
    });
    const text = allText(message);
    expect(text).toContain('*Cause 1:* `replication-role-policy` / `action-not-allowed`');
    expect(text).toContain('*Missing*\n`s3:ReplicateObject`');
    expect(text).toContain('Evidence:\n• identity policies read: S3ReplicationPolicy (inline)');
    expect(text).toMatch(/\*Statement:\*\n```\{\n {2}"Sid": "AllowReplicationToDestination"/);
    expect(text).toMatch(/\*Run:\*\n```aws iam put-role-policy --role-name S3ReplicationRole/);
    expect(text).toContain('*Affected 1 object:*\n• `my-source-bucket-use1/finance/2024/q3 report.pdf');
    expect(message.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [
        expect.objectContaining({ text: expect.stringContaining('Mode: plan — nothing was changed') }),
      ],
    });
    expect(message.text).toContain('[CRITICAL]');
    expectWithinSlackLimits(message);
  });

  it('lists at most 10 objects, then "…and N more"', () => {
    const message = buildSlackMessage(notify(storm(137)));

    const objects = textObjects(message).find((t) => t.text.startsWith('*Affected 137 objects:*'));
    expect(objects?.text.match(/part-\d+/g)).toHaveLength(10);
    expect(objects?.text.endsWith('…and 127 more')).toBe(true);
    expectWithinSlackLimits(message);
  });

  it('stays within the section limit when the listed keys are very long', () => {
    const message = buildSlackMessage(notify(storm(12, (i) => `${i}/${'k'.repeat(1000)}`)));

    const objects = textObjects(message).find((t) => t.text.startsWith('*Affected 12 objects:*'));
    expect(objects?.text.length).toBeLessThanOrEqual(3000);
    expect(objects?.text).toMatch(/…and \d+ more$/);
    expectWithinSlackLimits(message);
  });

  it('cuts an oversized statement and command list without leaving a code block open', () => {
    const cause: Cause = {
      ...rolePolicyCause(),
      fix: {
        summary: 'Add it.',
        policyStatement: { Effect: 'Allow', Action: Array.from({ length: 400 }, (_, i) => `s3:Action${i}`) },
        commands: Array.from(
          { length: 200 },
          (_, i) => `aws s3api put-object-tagging --key part-${i} --tagging x`,
        ),
      },
      evidence: Array.from({ length: 200 }, (_, i) => `evidence line ${i} & more`),
    };

    const message = buildSlackMessage(notify([rootCause('k', 'v', cause)]));

    expectWithinSlackLimits(message);
    for (const text of textObjects(message)) {
      expect((text.text.match(/```/g) ?? []).length % 2).toBe(0);
      expect(text.text).not.toMatch(/&[a-z]{0,3}…/);
    }
  });

  it('stays within 50 blocks however many causes there are', () => {
    const causes = Array.from({ length: 30 }, (_, i) => rolePolicyCause([`s3:Action${i}`]));
    const diagnosis: Diagnosis = { ...rootCause(), causes };

    const message = buildSlackMessage(notify([diagnosis]));

    expectWithinSlackLimits(message);
    expect(allText(message)).toContain('*25 more causes:*');
  });

  it('shows the checks that could not run for an inconclusive diagnosis', () => {
    const message = buildSlackMessage(notify([inconclusive()]));

    expect(allText(message)).toContain('Not verified:\n• destination-bucket-policy: s3:GetBucketPolicy');
  });

  it('shows the exact copy request a retrigger would send in plan mode', () => {
    const d = noCauseFound();
    const n = buildNotification({
      diagnoses: [d],
      mode: 'plan',
      decision: 'retrigger',
      plannedCopies: [
        {
          bucket: d.failure.sourceBucket,
          key: d.failure.key,
          request: { CopySourceIfMatch: '"abc"' },
          executed: false,
        },
      ],
    });

    const text = allText(buildSlackMessage(n));

    expect(text).toContain('*Copy in place (not run):*');
    expect(text).toContain('"CopySourceIfMatch": "\\"abc\\""');
    expect(text).toContain('a copy in place would re-trigger 1 object');
  });
});

describe('escaping untrusted text for Slack', () => {
  const hostileKeys = [
    '<!channel> urgent',
    '<@U123ABC> please look',
    '<!here|here>',
    '<https://evil.example/|click me>',
    'a & b <script>',
    '*bold* _italic_ ~strike~',
    'back`tick``` and ```fence',
    'line one\n<!channel>\r\u0000\u001b[31m',
  ];

  it.each(hostileKeys)('cannot mention, link or format through the key %j', (key) => {
    const message = buildSlackMessage(notify([rootCause(key)]));

    const text = allText(message);
    expect(text).not.toMatch(/<[!@#]/);
    expect(text).not.toContain('<https://evil');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting that no control character gets through
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    for (const t of textObjects(message)) {
      if (t.type === 'mrkdwn') expect(t.verbatim).toBe(true);
    }
    // The key stays on its one line, inside one code span (its backticks are replaced so it cannot close early).
    const objects = textObjects(message).find((t) => t.text.startsWith('*Affected'));
    const lines = objects?.text.split('\n') ?? [];
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^• `[^`]+`$/);
  });

  it('escapes &, < and > as Slack asks and shows control characters visibly', () => {
    expect(escapeSlack('a & <b> \n')).toBe('a &amp; &lt;b&gt; \\u000a');
  });

  it('escapes a hostile key inside a summary, which is plain text with no formatting', () => {
    const cause: Cause = { ...rolePolicyCause(), summary: 'The object <!channel> *x* is not eligible.' };

    const message = buildSlackMessage(notify([rootCause('k', 'v', cause)]));

    const summary = textObjects(message).find((t) => t.text.startsWith('The object'));
    expect(summary).toEqual({
      type: 'plain_text',
      text: expect.stringContaining('&lt;!channel&gt; *x*'),
      emoji: false,
    });
  });
});
