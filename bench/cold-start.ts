/**
 * Cold start, per deployed function: bundle size and median module-load time over fresh Node processes,
 * beside a baseline handler that only imports `@aws-sdk/client-s3` and creates a client (the least an S3
 * Lambda pays). Bundled with the esbuild settings and loaded with the environment `serverless.yml` deploys.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Bundle,
  bundleEntry,
  esbuildOptionsFrom,
  type LoadResult,
  lambdaRuntimeEnvironment,
  loadInFreshNode,
} from './lib/lambda-bundles.js';
import type { Section } from './lib/report.js';
import { readServiceDefinition } from './lib/service-definition.js';

export const COLD_START_TARGETS = { loadRatio: 1.3, bytes: 1_000_000 } as const;

const ROOT = fileURLToPath(new URL('../', import.meta.url));

const BASELINE_SOURCE = `import { S3Client } from '@aws-sdk/client-s3';

const s3 = new S3Client({});

export const handler = async () => s3.config.region();
`;

interface Subject {
  name: string;
  bundle: Bundle | { error: string };
  exportName: string;
  environment: Record<string, string>;
  /** The entry alone: what every cold start loads. */
  loads: LoadResult[];
  /** The entry and every deferred chunk: a cold start whose invocation takes every path. */
  fullLoads: LoadResult[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

function loadFailure(subject: Subject): string | undefined {
  if ('error' in subject.bundle) return `bundle failed: ${subject.bundle.error}`;
  const failed = [...subject.loads, ...subject.fullLoads].find((load) => load.kind === 'failed');
  return failed?.kind === 'failed' ? `load failed: ${failed.error}` : undefined;
}

function timings(loads: readonly LoadResult[]): number[] {
  return loads.flatMap((load) => (load.kind === 'loaded' ? [load.ms] : []));
}

async function measure(subjects: Subject[], runs: number): Promise<void> {
  // One warm-up import each (file cache), then rounds that visit every bundle in turn, so a slow moment of
  // the machine touches all of them alike. A bundle that fails once is not tried again.
  for (let round = 0; round <= runs; round += 1) {
    for (const subject of subjects) {
      if ('error' in subject.bundle || loadFailure(subject)) continue;
      const { file, deferred } = subject.bundle;
      const load = await loadInFreshNode(file, subject.exportName, subject.environment);
      const full = await loadInFreshNode(file, subject.exportName, subject.environment, {
        alsoLoad: deferred,
      });
      if (round > 0 || load.kind === 'failed') subject.loads.push(load);
      if (round > 0 || full.kind === 'failed') subject.fullLoads.push(full);
    }
  }
}

function formatKb(bytes: number): string {
  return (bytes / 1000).toFixed(0);
}

/** The packages a bundle carries beyond the baseline's, largest first: where its extra size and load come from. */
export function addedOverBaseline(bundle: Bundle, baseline: Bundle, count = 5): string {
  const base = new Map(baseline.parts.map((part) => [part.name, part.bytes]));
  return bundle.parts
    .map((part) => ({ name: part.name, bytes: part.bytes - (base.get(part.name) ?? 0) }))
    .filter((part) => part.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count)
    .map((part) => `${part.name} ${formatKb(part.bytes)} kB`)
    .join(', ');
}

/** Runs the section; `runs` fresh processes per bundle (at least 15 for the README). */
export async function benchColdStart(options: { runs?: number; root?: string } = {}): Promise<Section> {
  const runs = options.runs ?? 15;
  const root = options.root ?? ROOT;
  const definition = readServiceDefinition(root);
  const buildOptions = esbuildOptionsFrom(definition.esbuild, definition.runtime);
  const directory = await mkdtemp(join(tmpdir(), 'srd-cold-start-'));
  try {
    await writeFile(join(directory, 'baseline-handler.ts'), BASELINE_SOURCE);
    const baseline: Subject = {
      name: 'baseline',
      bundle: await bundleEntry({
        root,
        entry: join(directory, 'baseline-handler.ts'),
        outdir: join(directory, 'baseline'),
        build: buildOptions,
        nodePaths: [join(root, 'node_modules')],
      }),
      exportName: 'handler',
      environment: lambdaRuntimeEnvironment(
        `${definition.service}-${definition.stage}-baseline`,
        definition.region,
      ),
      loads: [],
      fullLoads: [],
    };
    const functions: Subject[] = [];
    for (const fn of definition.functions) {
      let bundle: Subject['bundle'];
      try {
        bundle = await bundleEntry({
          root,
          entry: fn.entry,
          outdir: join(directory, fn.name),
          build: buildOptions,
        });
      } catch (error) {
        bundle = {
          error: error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error),
        };
      }
      functions.push({
        name: fn.name,
        bundle,
        exportName: fn.exportName,
        environment: {
          ...lambdaRuntimeEnvironment(
            `${definition.service}-${definition.stage}-${fn.name}`,
            definition.region,
          ),
          ...fn.environment,
        },
        loads: [],
        fullLoads: [],
      });
    }

    await measure([baseline, ...functions], runs);
    return coldStartSection(baseline, functions, runs);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function range(values: readonly number[]): string {
  return `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
}

function coldStartSection(baseline: Subject, functions: Subject[], runs: number): Section {
  const baselineFailure = loadFailure(baseline);
  if (baselineFailure || 'error' in baseline.bundle)
    throw new Error(`cold start: the baseline itself did not load (${baselineFailure})`);
  const baselineBytes = baseline.bundle.bytes;
  const baselineMs = median(timings(baseline.loads));
  const misses: string[] = [];
  const breakdowns: string[] = [];
  const { loadRatio: maxRatio, bytes: maxBytes } = COLD_START_TARGETS;

  const rows = functions.map((subject): string[] => {
    const failure = loadFailure(subject);
    const bundle = 'error' in subject.bundle ? undefined : subject.bundle;
    const size = bundle ? formatKb(bundle.bytes) : '–';
    const atStart = bundle ? formatKb(bundle.startBytes) : '–';
    if (failure) {
      misses.push(`${subject.name} (${failure})`);
      return [subject.name, size, atStart, '–', '–', '–', '–', '–', `**FAILED** – ${failure}`];
    }
    const ms = median(timings(subject.loads));
    const fullMs = median(timings(subject.fullLoads));
    const ratio = ms / baselineMs;
    const missed = [
      ...(ratio > maxRatio ? [`load ${ratio.toFixed(2)}× > ${maxRatio}×`] : []),
      ...(bundle && bundle.bytes > maxBytes
        ? [`size ${formatKb(bundle.bytes)} kB > ${formatKb(maxBytes)} kB`]
        : []),
    ];
    if (missed.length > 0) {
      misses.push(`${subject.name} (${missed.join(', ')})`);
      if (bundle && !('error' in baseline.bundle))
        breakdowns.push(`${subject.name}: ${addedOverBaseline(bundle, baseline.bundle)}`);
    }
    return [
      subject.name,
      size,
      atStart,
      ms.toFixed(1),
      range(timings(subject.loads)),
      `${ratio.toFixed(2)}×`,
      fullMs.toFixed(1),
      `${(fullMs / baselineMs).toFixed(2)}×`,
      missed.length === 0 ? 'met' : `**MISSED** – ${missed.join(', ')}`,
    ];
  });
  const baselineFullMs = median(timings(baseline.fullLoads));
  rows.push([
    'baseline (S3 client only)',
    formatKb(baselineBytes),
    formatKb(baseline.bundle.startBytes),
    baselineMs.toFixed(1),
    range(timings(baseline.loads)),
    '1.00×',
    baselineFullMs.toFixed(1),
    `${(baselineFullMs / baselineMs).toFixed(2)}×`,
    '–',
  ]);

  return {
    title: 'Cold start',
    about:
      `Each deployed function bundled with the esbuild settings read from serverless.yml (custom.esbuild, code ` +
      `splitting on), then imported in ${runs} fresh \`node\` processes (after one warm-up, rounds interleaved ` +
      `across bundles) with the environment the stack deploys (parameter defaults, dummy resource names). ` +
      `"Load" is the \`await import()\` of the handler, Node's own start-up excluded: what every cold start ` +
      `pays. A function loads a path's code (an SDK client, the copy code, the notifier) the first time an ` +
      `invocation needs it; "every path loaded" also imports, in the same process, every chunk the project's ` +
      `code loads that way: a cold start whose invocation takes every path (the SDK's own lazily loaded ` +
      `credential providers are left out: Lambda's environment credentials never reach them). Size: every file the package ` +
      `deploys; "at start": the handler and the chunks it imports statically. Baseline: a handler that only ` +
      `imports @aws-sdk/client-s3 and creates a client, bundled the same way. Targets: load ≤ ${maxRatio}× the ` +
      `baseline's, package ≤ 1 MB (1,000,000 bytes).`,
    header: [
      'Function',
      'Size (kB)',
      'At start (kB)',
      'Median load (ms)',
      'Min–max (ms)',
      'Load vs baseline',
      'Every path loaded (ms)',
      'vs baseline load',
      'Targets',
    ],
    rows,
    notes: [
      misses.length === 0
        ? `Every function meets both targets (load ≤ ${maxRatio}× baseline, ≤ 1 MB).`
        : `**Misses a target:** ${misses.join('; ')}.`,
      ...(breakdowns.length > 0
        ? [
            `Largest additions over the baseline bundle, where the extra size comes from: ${breakdowns.join('; ')}.`,
          ]
        : []),
    ],
  };
}
