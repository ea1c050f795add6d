/**
 * `npm run bench`: every benchmark, offline, written as markdown to bench/results/latest.md and into the
 * README between its bench markers. Counts and ratios are measured side by side in one run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { benchColdStart } from './cold-start.js';
import { benchCopy } from './copy.js';
import { benchOneDiagnosis, benchStorm } from './diagnosis.js';
import { machineLine, renderMarkdown, type Section, updateReadme } from './lib/report.js';
import { benchNotifications } from './notifications.js';
import { benchPolicy } from './policy.js';
import { benchStormIncidents } from './storm.js';

const ROOT = new URL('../', import.meta.url);

const sections: Section[] = [];
const steps: [string, () => Promise<Section> | Section][] = [
  ['cold start', () => benchColdStart()],
  ['one diagnosis', benchOneDiagnosis],
  ['storm', () => benchStorm(10_000)],
  ['policy evaluation', () => benchPolicy()],
  ['copy in place', benchCopy],
  ['notifications', () => benchNotifications()],
  ['storm incidents', () => benchStormIncidents()],
];
for (const [name, run] of steps) {
  process.stderr.write(`bench: ${name}…\n`);
  sections.push(await run());
}

const markdown = renderMarkdown(sections, machineLine());
await mkdir(fileURLToPath(new URL('bench/results/', ROOT)), { recursive: true });
await writeFile(fileURLToPath(new URL('bench/results/latest.md', ROOT)), markdown);
const updated = await updateReadme(fileURLToPath(new URL('README.md', ROOT)), markdown);
process.stdout.write(markdown);
process.stderr.write(
  updated ? 'bench: README updated\n' : 'bench: README has no bench markers; not updated\n',
);
