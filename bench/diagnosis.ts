import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createReads, createReplayCaller, parseSnapshot, type Snapshot } from '../shared/aws/index.js';
import { diagnose, diagnoseBatch } from '../shared/diagnosis/index.js';
import { parseEvents } from '../shared/events/index.js';
import type { ReplicationFailure } from '../shared/events/types.js';
import { withLatency } from './lib/latency-caller.js';
import type { Section } from './lib/report.js';

const SCENARIOS = fileURLToPath(new URL('../events/scenarios/', import.meta.url));
const LATENCY_MS = 20;
/** The scenarios shown one per row: the heaviest paths (cross-account, KMS on both sides, boundaries). */
const SHOWN = [
  'cross-account-destination-bucket-policy-missing',
  'sse-kms-destination-key-policy-lacks-role',
  'sse-kms-role-policy-lacks-source-key-decrypt',
  'permissions-boundary-lacks-replicate-object',
  'organization-scp-suspected',
  'destination-versioning-suspended',
];
const STORM_SCENARIO = 'cross-account-destination-bucket-policy-missing';

interface Scenario {
  name: string;
  failure: ReplicationFailure;
  snapshot: Snapshot;
}

async function loadScenario(name: string): Promise<Scenario> {
  const dir = join(SCENARIOS, name);
  const records = parseEvents(JSON.parse(await readFile(join(dir, 'event.json'), 'utf8')));
  const first = records[0];
  if (first?.kind !== 'failure') throw new Error(`scenario ${name} has no replication failure`);
  return {
    name,
    failure: first.failure,
    snapshot: parseSnapshot(JSON.parse(await readFile(join(dir, 'snapshot.json'), 'utf8'))),
  };
}

async function measureOne(scenario: Scenario) {
  const caller = withLatency(createReplayCaller(scenario.snapshot), LATENCY_MS);
  const reads = createReads(caller);
  const started = performance.now();
  const diagnosis = await diagnose(scenario.failure, reads);
  const elapsed = performance.now() - started;
  return { diagnosis, ...caller.stats(), elapsed };
}

export async function benchOneDiagnosis(): Promise<Section> {
  const names = (await readdir(SCENARIOS)).sort();
  const results: ({ name: string } & Awaited<ReturnType<typeof measureOne>>)[] = [];
  for (const name of names) results.push({ name, ...(await measureOne(await loadScenario(name))) });
  const rows = SHOWN.map((name) => {
    const r = results.find((item) => item.name === name);
    if (!r) throw new Error(`scenario ${name} is missing`);
    return [name, r.diagnosis.verdict, String(r.calls), String(r.rounds), `${Math.round(r.elapsed)} ms`];
  });
  const maxRounds = Math.max(...results.map((r) => r.rounds));
  const maxReads = Math.max(...results.map((r) => r.calls));
  rows.push([
    `all ${results.length} scenarios (max)`,
    '-',
    String(maxReads),
    String(maxRounds),
    `${Math.round(Math.max(...results.map((r) => r.elapsed)))} ms`,
  ]);
  return {
    title: `One diagnosis, ${LATENCY_MS} ms injected per read`,
    about:
      'Each scenario snapshot is replayed with a fixed delay on every AWS read. "Rounds" is the critical path: ' +
      'reads that had to wait for earlier reads. Target: at most 4 sequential rounds.',
    header: ['scenario', 'verdict', 'reads', 'rounds', 'wall time'],
    rows,
    notes: [`Worst case over every scenario: ${maxRounds} rounds (target ≤ 4), ${maxReads} reads.`],
  };
}

/** The same snapshot, answering HeadObject for any key of the source bucket (storm objects all exist). */
function stormSnapshot(snapshot: Snapshot, bucket: string): Snapshot {
  const head = snapshot.calls.find((call) => call.service === 'S3' && call.command === 'HeadObject');
  if (!head?.output) return snapshot;
  return {
    ...snapshot,
    calls: [
      ...snapshot.calls,
      { service: 'S3', command: 'HeadObject', input: { Bucket: bucket }, output: head.output },
    ],
  };
}

export async function benchStorm(count = 10_000): Promise<Section> {
  const scenario = await loadScenario(STORM_SCENARIO);
  const one = await measureOne(scenario);
  const snapshot = stormSnapshot(scenario.snapshot, scenario.failure.sourceBucket);
  const failures = Array.from({ length: count }, (_, i) => ({
    ...scenario.failure,
    key: `storm/${String(i).padStart(6, '0')}.bin`,
    rawKey: `storm/${String(i).padStart(6, '0')}.bin`,
    versionId: `v${i}`,
  }));
  const caller = withLatency(createReplayCaller(snapshot), 0);
  const reads = createReads(caller);
  const started = performance.now();
  const results = await diagnoseBatch(failures, reads);
  const elapsed = performance.now() - started;
  const diagnosed = results.filter((r) => 'diagnosis' in r).length;
  const sameCause = results.every(
    (r) => 'diagnosis' in r && r.diagnosis.causes[0]?.location === one.diagnosis.causes[0]?.location,
  );
  const batchReads = caller.stats().calls;
  return {
    title: `A batch of ${count.toLocaleString('en')} failures sharing one cause`,
    about:
      `${count.toLocaleString('en')} \`${scenario.failure.failureReason}\` failures of distinct objects (scenario \`${STORM_SCENARIO}\`) ` +
      'through `diagnoseBatch`, with the read cache on, beside one diagnosis of the same cause and a naive design that diagnoses every event.',
    header: [
      'design',
      'AWS reads',
      'reads ÷ one diagnosis',
      'records diagnosed',
      'records/s (CPU, no latency)',
    ],
    rows: [
      ['one diagnosis', String(one.calls), '1.0', '1', '-'],
      [
        'this system, one batch',
        String(batchReads),
        (batchReads / one.calls).toFixed(2),
        `${diagnosed}${sameCause ? ' (all with the same root cause)' : ' (causes differ!)'}`,
        String(Math.round(count / (elapsed / 1000))),
      ],
      [
        'naive: one diagnosis per event (computed)',
        String(one.calls * count),
        String(count),
        String(count),
        '-',
      ],
    ],
    notes: [`Target: reads ≤ 2 × one diagnosis. Measured: ${(batchReads / one.calls).toFixed(2)} ×.`],
  };
}
