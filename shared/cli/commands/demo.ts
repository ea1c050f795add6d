import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSnapshotFile } from '../../aws/index.js';
import type { Notification } from '../../notify/notification.js';
import { renderPreview } from '../../notify/preview.js';
import { renderDiagnosisText } from '../../notify/render-text.js';
import { type OfflineRun, runOffline } from '../../pipeline/act-offline.js';
import { type CliIo, readFailures } from '../io.js';
import { renderTable } from '../table.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface DemoOptions {
  scenarios?: string;
  out: string;
}

async function writeNotifications(dir: string, notifications: Notification[]): Promise<void> {
  for (const [index, notification] of notifications.entries()) {
    const preview = renderPreview(notification);
    const base = join(dir, `notification-${index + 1}`);
    await writeFile(`${base}.txt`, `${preview.text}\n`);
    await writeFile(`${base}.slack.json`, `${JSON.stringify(preview.slack, null, 2)}\n`);
    await writeFile(`${base}.sns.json`, `${JSON.stringify(preview.sns, null, 2)}\n`);
    await writeFile(`${base}.webhook.json`, `${JSON.stringify(preview.webhook, null, 2)}\n`);
  }
}

/** What plan mode did with a scenario's failure: the decision a reader cares about. */
function actionTaken(run: OfflineRun): string {
  const copies = run.notifications.flatMap((n) => n.plannedCopies ?? []);
  if (copies.length > 0) return 'copy planned';
  if (run.counts.planned > 0) return 'copy refused';
  if (run.counts.notified > 0) return 'notify';
  return 'ignore';
}

/**
 * The main job, offline: every bundled scenario (a sample event plus the account snapshot it failed in) is
 * parsed, diagnosed, decided and notified in plan mode, through the same code the Lambdas run. Each report
 * and each notification (text, Slack, SNS, webhook) is written to the output folder; a summary is printed.
 */
export async function runDemo(options: DemoOptions, io: CliIo): Promise<number> {
  const scenariosDir = options.scenarios ?? join(REPO_ROOT, 'events', 'scenarios');
  const names = (await readdir(scenariosDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const rows: string[][] = [];
  const plannedRequests: string[] = [];
  let failures = 0;
  let notifications = 0;
  for (const name of names) {
    const dir = join(scenariosDir, name);
    const read = await readFailures(join(dir, 'event.json'));
    const run = await runOffline(read.failures, await readSnapshotFile(join(dir, 'snapshot.json')));
    const outDir = join(options.out, name);
    await mkdir(outDir, { recursive: true });
    await writeFile(
      join(outDir, 'diagnosis.json'),
      `${JSON.stringify({ diagnoses: run.diagnoses }, null, 2)}\n`,
    );
    await writeFile(join(outDir, 'report.txt'), `${run.diagnoses.map(renderDiagnosisText).join('\n\n')}\n`);
    await writeNotifications(outDir, run.notifications);
    failures += run.diagnoses.length;
    notifications += run.notifications.length;
    for (const copy of run.notifications.flatMap((n) => n.plannedCopies ?? [])) {
      plannedRequests.push(`${name}: CopyObject ${JSON.stringify(copy.request)}`);
    }
    for (const diagnosis of run.diagnoses) {
      const first = diagnosis.causes[0];
      const actions = first?.missingActions.length ? ` (${first.missingActions.join(', ')})` : '';
      rows.push([
        name,
        diagnosis.failure.failureReason ?? diagnosis.failure.eventName.replace('Replication:', ''),
        diagnosis.verdict,
        actionTaken(run),
        first ? `${first.location} / ${first.problem}${actions}` : '-',
        String(run.reads),
      ]);
    }
  }

  io.out(
    renderTable(['scenario', 'failure reason', 'verdict', 'plan-mode action', 'first cause', 'reads'], rows),
  );
  if (plannedRequests.length > 0) {
    io.out('\nCopies in place that auto mode would send (plan mode sent nothing):');
    for (const line of plannedRequests) io.out(`  ${line}`);
  }
  const found = rows.filter((row) => row[2] === 'root-cause-found').length;
  io.out(
    `\n${failures} failures diagnosed offline from ${names.length} scenarios: ${found} with a root cause, ` +
      `${notifications} notifications rendered (mode: plan, nothing sent or changed). ` +
      `Reports and notifications (text, Slack, SNS, webhook) are in ${options.out}/<scenario>/.`,
  );
  return 0;
}
