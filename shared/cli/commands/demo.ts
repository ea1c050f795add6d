import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSnapshotFile, snapshotReads } from '../../aws/index.js';
import { diagnose } from '../../diagnosis/index.js';
import type { Diagnosis } from '../../diagnosis/types.js';
import { renderDiagnosisText } from '../../notify/render-text.js';
import { type CliIo, readFailures } from '../io.js';
import { renderTable } from '../table.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface DemoOptions {
  scenarios?: string;
  out: string;
}

interface DemoRow {
  scenario: string;
  diagnosis: Diagnosis;
  reads: number;
}

/**
 * The main job, offline: every bundled scenario (a sample event plus the account snapshot it failed in)
 * is parsed and diagnosed; each report is written to the output folder and a summary printed.
 */
export async function runDemo(options: DemoOptions, io: CliIo): Promise<number> {
  const scenariosDir = options.scenarios ?? join(REPO_ROOT, 'events', 'scenarios');
  const names = (await readdir(scenariosDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const rows: DemoRow[] = [];
  for (const name of names) {
    const dir = join(scenariosDir, name);
    const { failures } = await readFailures(join(dir, 'event.json'));
    const reads = snapshotReads(await readSnapshotFile(join(dir, 'snapshot.json')));
    const diagnoses: Diagnosis[] = [];
    for (const failure of failures) diagnoses.push(await diagnose(failure, reads));
    const outDir = join(options.out, name);
    await mkdir(outDir, { recursive: true });
    await writeFile(join(outDir, 'diagnosis.json'), `${JSON.stringify({ diagnoses }, null, 2)}\n`);
    await writeFile(join(outDir, 'report.txt'), `${diagnoses.map(renderDiagnosisText).join('\n\n')}\n`);
    for (const diagnosis of diagnoses) rows.push({ scenario: name, diagnosis, reads: reads.stats().calls });
  }

  io.out(
    renderTable(
      ['scenario', 'failure reason', 'verdict', 'action', 'first cause', 'reads'],
      rows.map(({ scenario, diagnosis, reads }) => {
        const first = diagnosis.causes[0];
        return [
          scenario,
          diagnosis.failure.failureReason ?? diagnosis.failure.eventName.replace('Replication:', ''),
          diagnosis.verdict,
          diagnosis.action,
          first
            ? `${first.location} / ${first.problem}${first.missingActions.length ? ` (${first.missingActions.join(', ')})` : ''}`
            : '-',
          String(reads),
        ];
      }),
    ),
  );
  const found = rows.filter((row) => row.diagnosis.verdict === 'root-cause-found').length;
  io.out(
    `\n${rows.length} failures diagnosed offline from ${names.length} scenarios: ${found} with a root cause. ` +
      `Full reports (text and JSON) are in ${options.out}/<scenario>/.`,
  );
  return 0;
}
