/**
 * `notify --preview`: diagnose an event file against a snapshot, group the diagnoses by cause and print
 * what each notification would send (text and Slack JSON), offline. With `out`, every rendering (text,
 * Slack, SNS publish, webhook payload) is written to files as well.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readSnapshotFile, snapshotReads } from '../../aws/index.js';
import type { Mode } from '../../config.js';
import { diagnose } from '../../diagnosis/index.js';
import type { Action, Diagnosis } from '../../diagnosis/types.js';
import { buildNotification, causeSignature, type PlannedCopy } from '../../notify/notification.js';
import { renderPreview } from '../../notify/preview.js';
import { type CliIo, readFailures } from '../io.js';

export interface NotifyPreviewOptions {
  event: string;
  snapshot: string;
  out?: string;
  mode?: Mode;
}

/** Hooks for the action policy and the copy planner; without them each diagnosis's own `action` is used. */
export interface NotifyPreviewDeps {
  decide?: (diagnosis: Diagnosis, mode: Mode) => Action;
  planCopies?: (diagnoses: Diagnosis[]) => Promise<PlannedCopy[]>;
}

interface PreviewGroup {
  decision: Action;
  diagnoses: Diagnosis[];
}

function groupByDecisionAndCause(
  diagnoses: readonly Diagnosis[],
  decide: (d: Diagnosis) => Action,
): PreviewGroup[] {
  const groups = new Map<string, PreviewGroup>();
  for (const diagnosis of diagnoses) {
    const decision = decide(diagnosis);
    const key = `${decision}|${causeSignature(diagnosis)}`;
    const group = groups.get(key);
    if (group) group.diagnoses.push(diagnosis);
    else groups.set(key, { decision, diagnoses: [diagnosis] });
  }
  return [...groups.values()];
}

export async function runNotifyPreview(
  options: NotifyPreviewOptions,
  io: CliIo,
  deps: NotifyPreviewDeps = {},
): Promise<number> {
  const mode = options.mode ?? 'plan';
  const { failures, ignored } = await readFailures(options.event);
  for (const reason of ignored) io.err(`skipped a record: ${reason}`);
  const reads = snapshotReads(await readSnapshotFile(options.snapshot));
  const diagnoses: Diagnosis[] = [];
  for (const failure of failures) diagnoses.push(await diagnose(failure, reads));
  if (diagnoses.length === 0) {
    io.out('No replication failures in this file: nothing would be sent.');
    return 0;
  }

  const decide = deps.decide ?? ((diagnosis: Diagnosis) => diagnosis.action);
  const groups = groupByDecisionAndCause(diagnoses, (diagnosis) => decide(diagnosis, mode));
  if (options.out) await mkdir(options.out, { recursive: true });
  for (const [index, group] of groups.entries()) {
    const plannedCopies =
      group.decision === 'retrigger' && deps.planCopies ? await deps.planCopies(group.diagnoses) : [];
    const notification = buildNotification({
      diagnoses: group.diagnoses,
      mode,
      decision: group.decision,
      plannedCopies,
    });
    const preview = renderPreview(notification);
    const label = `Notification ${index + 1} of ${groups.length}`;
    io.out(
      [
        `=== ${label}: ${notification.severity}, ${notification.objects.length} object(s) ===`,
        '--- text (email, SNS default) ---',
        preview.text,
        '--- Slack (Block Kit) ---',
        JSON.stringify(preview.slack, null, 2),
        '',
      ].join('\n'),
    );
    if (options.out) {
      const base = join(options.out, `notification-${String(index + 1).padStart(2, '0')}`);
      await writeFile(`${base}.txt`, `${preview.text}\n`);
      await writeFile(`${base}.slack.json`, `${JSON.stringify(preview.slack, null, 2)}\n`);
      await writeFile(`${base}.sns.json`, `${JSON.stringify(preview.sns, null, 2)}\n`);
      await writeFile(`${base}.webhook.json`, `${JSON.stringify(preview.webhook, null, 2)}\n`);
    }
  }
  const written = options.out ? ` Files (text, Slack, SNS, webhook) are in ${options.out}/.` : '';
  io.out(
    `${diagnoses.length} failure(s) make ${groups.length} notification(s), one per distinct cause. Mode: ${mode} — nothing was sent.${written}`,
  );
  return 0;
}
