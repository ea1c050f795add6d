/**
 * Faults on every diagnosis read, one command at a time, through the real diagnose use case: each scenario's
 * snapshot is replayed under `createReads`, and the one command drilled throttles, fails with a 5xx, times
 * out or is denied. The record must end in exactly one outcome, never with a cause the fault invented.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { AwsCaller } from '../../shared/aws/caller.js';
import type { DeadLetter, DeadLetterSink } from '../../shared/aws/dead-letter.js';
import type { BusEntry, EventPublisher } from '../../shared/aws/event-bus.js';
import { createReads, createReplayCaller, parseSnapshot, type Snapshot } from '../../shared/aws/index.js';
import { LIVE_COMMANDS } from '../../shared/aws/live-commands.js';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import type { DiagnosisEventDetail } from '../../shared/pipeline/bus-events.js';
import { diagnoseQueueBatch, type QueueBatchOutcome } from '../../shared/pipeline/diagnose-queue-batch.js';
import { seedEvent } from '../support/seed-event.js';
import { type SnapshotBuilder, seedSnapshot } from '../support/snapshot-builder.js';
import {
  captureLog,
  type FaultPlan,
  faultyCaller,
  noWait,
  recordingCaller,
  TRANSIENT_KINDS,
  tally,
} from './faults.js';

const SCENARIOS = new URL('../../events/scenarios/', import.meta.url);
const file = (name: string, part: string) => readFileSync(new URL(`${name}/${part}`, SCENARIOS), 'utf8');
const MESSAGE_ID = 'drill-1';

interface Scenario {
  name: string;
  event: string;
  snapshot: Snapshot;
}

const built = (name: string, builder: SnapshotBuilder, failureReason: string): Scenario => ({
  name,
  event: JSON.stringify(seedEvent({ failureReason })),
  snapshot: parseSnapshot(JSON.parse(JSON.stringify(builder.build(name))), name),
});

/** Every scenario file, plus setups no file covers (a cross-account destination's Requester Pays read). */
const scenarios: Scenario[] = [
  ...readdirSync(SCENARIOS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({
      name,
      event: file(name, 'event.json'),
      snapshot: parseSnapshot(JSON.parse(file(name, 'snapshot.json')), name),
    })),
  built(
    'built: cross-account destination is Requester Pays',
    seedSnapshot().crossAccount().requesterPays(),
    'DstSomethingNewNotPermitted',
  ),
  built(
    'built: cross-account, nothing wrong any more',
    seedSnapshot().crossAccount(),
    'DstSomethingNewNotPermitted',
  ),
];

interface Run {
  outcome: QueueBatchOutcome;
  published: Diagnosis[];
  letters: DeadLetter[];
}

/** The real diagnose use case over `caller`, with backoff that does not wait. */
async function runDiagnose(scenario: Scenario, caller: AwsCaller): Promise<Run> {
  const published: Diagnosis[] = [];
  const letters: DeadLetter[] = [];
  const publisher: EventPublisher = {
    async publish(entries: BusEntry[]) {
      for (const entry of entries) published.push((entry.detail as DiagnosisEventDetail).diagnosis);
      return { failedIndexes: [] };
    },
  };
  const deadLetters: DeadLetterSink = {
    async send(letter) {
      letters.push(letter);
    },
  };
  const reads = createReads(caller, {
    sleep: noWait,
    resolveBucketRegions: scenario.snapshot.calls.some((call) => call.region !== undefined),
  });
  tally.inputs += 1;
  const outcome = await diagnoseQueueBatch([{ messageId: MESSAGE_ID, body: scenario.event }], {
    reads,
    publisher,
    deadLetters,
    mode: 'plan',
    log: captureLog(),
  });
  return { outcome, published, letters };
}

const causeIds = (diagnosis: Diagnosis) => diagnosis.causes.map((c) => `${c.location}/${c.problem}`).sort();

/** Exactly one outcome for the one message: diagnosed (published), retried, ignored or dead-lettered. */
function expectOneOutcome({ outcome, published, letters }: Run): void {
  const { diagnosed, ignored, deadLettered, retried } = outcome.counts;
  expect(diagnosed + ignored + deadLettered + retried).toBe(1);
  expect(published).toHaveLength(diagnosed);
  expect(letters).toHaveLength(deadLettered);
  expect(outcome.retryMessageIds).toEqual(retried === 1 ? [MESSAGE_ID] : []);
}

const baselines = new Map<string, { diagnosis: Diagnosis; commands: string[] }>();
async function baseline(scenario: Scenario) {
  let known = baselines.get(scenario.name);
  if (!known) {
    const caller = recordingCaller(createReplayCaller(scenario.snapshot));
    const run = await runDiagnose(scenario, caller);
    const [diagnosis] = run.published;
    if (!diagnosis) throw new Error(`${scenario.name} gave no diagnosis without faults`);
    known = { diagnosis, commands: [...new Set(caller.calls)].sort() };
    baselines.set(scenario.name, known);
  }
  return known;
}

afterAll(() => {
  console.info(`[drills] diagnosis reads: ${tally.faults} faults injected over ${tally.inputs} inputs`);
});

describe('faults on the diagnosis reads', () => {
  it('drills every read command the live gateway can send, across the scenarios', async () => {
    const drilled = new Set<string>();
    for (const scenario of scenarios)
      for (const command of (await baseline(scenario)).commands) drilled.add(command);
    const live = Object.entries(LIVE_COMMANDS).flatMap(([service, commands]) =>
      commands.map((command) => `${service}:${command}`),
    );
    expect(live.filter((command) => !drilled.has(command))).toEqual([]);
  });

  describe.each(scenarios)('$name', (scenario) => {
    it('recovers from one throttle, 5xx or timeout on any read with the same diagnosis', async () => {
      const { diagnosis, commands } = await baseline(scenario);
      for (const command of commands) {
        for (const kind of TRANSIENT_KINDS) {
          const caller = faultyCaller(createReplayCaller(scenario.snapshot), command, { kind, times: 1 });
          const run = await runDiagnose(scenario, caller);

          expect(caller.injected, `${command} ${kind}`).toBe(1);
          expect(run.outcome.counts.diagnosed, `${command} ${kind}`).toBe(1);
          expectOneOutcome(run);
          expect(run.published[0]?.verdict).toBe(diagnosis.verdict);
          expect(run.published[0]?.causes).toEqual(diagnosis.causes);
        }
      }
    });

    it('leaves the record on its queue when a read it needs keeps failing transiently, and publishes nothing for it', async () => {
      const { diagnosis, commands } = await baseline(scenario);
      for (const command of commands) {
        for (const kind of TRANSIENT_KINDS) {
          const plan: FaultPlan = { kind, times: Number.POSITIVE_INFINITY };
          const caller = faultyCaller(createReplayCaller(scenario.snapshot), command, plan);
          const run = await runDiagnose(scenario, caller);

          expectOneOutcome(run);
          // Retried with backoff (4 tries) before giving up, for a transient answer.
          expect(caller.injected, `${command} ${kind}`).toBeGreaterThanOrEqual(4);
          if (run.outcome.counts.retried === 1) {
            expect(run.published).toEqual([]);
            continue;
          }
          // Reads started early "just in case" (the caller's account, the organization) may fail unused:
          // then the diagnosis must be exactly the one made without the fault.
          expect(run.outcome.counts.diagnosed, `${command} ${kind}`).toBe(1);
          expect(run.published[0]?.verdict, `${command} ${kind}`).toBe(diagnosis.verdict);
          expect(run.published[0]?.causes, `${command} ${kind}`).toEqual(diagnosis.causes);
          expect(run.published[0]?.inconclusive, `${command} ${kind}`).toEqual(diagnosis.inconclusive);
        }
      }
    });

    it('never turns a denied read into a cause: the diagnosis is the same or marked inconclusive', async () => {
      const { diagnosis, commands } = await baseline(scenario);
      for (const command of commands) {
        const plan: FaultPlan = { kind: 'access-denied', times: Number.POSITIVE_INFINITY };
        const caller = faultyCaller(createReplayCaller(scenario.snapshot), command, plan);
        const run = await runDiagnose(scenario, caller);

        expectOneOutcome(run);
        expect(run.outcome.counts.diagnosed, command).toBe(1);
        const [denied] = run.published;
        const verdicts = [diagnosis.verdict, 'inconclusive'];
        expect(verdicts, command).toContain(denied?.verdict);
        const baselineCauses = causeIds(diagnosis);
        for (const cause of causeIds(denied as Diagnosis)) expect(baselineCauses, command).toContain(cause);
        if (denied?.verdict === 'inconclusive' && diagnosis.verdict !== 'inconclusive') {
          expect(denied.inconclusive.length, command).toBeGreaterThan(0);
        }
      }
    });
  });
});
