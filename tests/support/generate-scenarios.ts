/**
 * Writes `events/scenarios/<name>/{event,snapshot,expected}.json` from the scenario catalog, then formats them
 * with Biome. Run after changing the catalog or the builders:
 *
 *   npx tsx tests/support/generate-scenarios.ts
 *
 * A test compares the files on disk with `renderScenarioFiles()`, so fixtures and catalog cannot drift apart.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './fixtures.js';
import { SCENARIOS } from './scenario-catalog.js';
import type { ExpectedDiagnosis, Scenario } from './scenario-types.js';
import { seedEvent } from './seed-event.js';

export const SCENARIOS_DIR = 'events/scenarios';
export const SCENARIO_FILES = ['event.json', 'snapshot.json', 'expected.json'] as const;

export function expectedDiagnosisOf(scenario: Scenario): ExpectedDiagnosis {
  const { inconclusive = [], ...rest } = scenario.expect;
  return {
    scenario: scenario.name,
    title: scenario.title,
    ...rest,
    inconclusive: inconclusive.map((check) => ({ check })),
  };
}

/** Repository-relative path → parsed JSON content, for every scenario file. */
export function renderScenarioFiles(): Map<string, unknown> {
  const files = new Map<string, unknown>();
  for (const scenario of SCENARIOS) {
    const folder = `${SCENARIOS_DIR}/${scenario.name}`;
    files.set(`${folder}/event.json`, seedEvent(scenario.event));
    files.set(`${folder}/snapshot.json`, scenario.snapshot.build(scenario.description));
    files.set(`${folder}/expected.json`, expectedDiagnosisOf(scenario));
  }
  return files;
}

function writeScenarioFiles(): void {
  const root = join(REPO_ROOT, SCENARIOS_DIR);
  const names = new Set(SCENARIOS.map((scenario) => scenario.name));
  if (names.size !== SCENARIOS.length) throw new Error('two scenarios share a name');
  if (existsSync(root)) {
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      // Only folders this generator made (holding nothing but its files) are removed when they leave the catalog.
      if (!entry.isDirectory() || names.has(entry.name)) continue;
      const folder = join(root, entry.name);
      const contents = readdirSync(folder);
      if (contents.every((file) => (SCENARIO_FILES as readonly string[]).includes(file))) {
        rmSync(folder, { recursive: true });
        console.error(`removed ${SCENARIOS_DIR}/${entry.name} (no longer in the catalog)`);
      }
    }
  }
  for (const [path, content] of renderScenarioFiles()) {
    const target = join(REPO_ROOT, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${JSON.stringify(content, null, 2)}\n`);
  }
  execFileSync(join(REPO_ROOT, 'node_modules/.bin/biome'), ['format', '--write', SCENARIOS_DIR], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  console.error(`wrote ${SCENARIOS.length} scenarios to ${SCENARIOS_DIR}`);
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && fileURLToPath(import.meta.url) === invokedPath) {
  writeScenarioFiles();
}
