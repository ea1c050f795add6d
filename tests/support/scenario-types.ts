/**
 * What a diagnosis scenario is: a seed replication event, the account snapshot it is diagnosed against, and
 * the diagnosis expected. Written to `events/scenarios/<name>/{event,snapshot,expected}.json`.
 */
import type { Action, Location, Problem, Verdict } from '../../shared/diagnosis/types.js';
import type { SeedEventOptions } from './seed-event.js';
import type { SnapshotBuilder } from './snapshot-builder.js';

export interface ExpectedCause {
  location: Location;
  problem: Problem;
  missingActions: string[];
  principal?: string;
  resource?: string;
  /** Strings the cause's `fix` (statement and commands) must contain: the real ARNs, names, commands. */
  fixMentions?: string[];
  /** Strings the cause must contain anywhere (summary, evidence): e.g. the denying policy and its Sid. */
  mentions?: string[];
}

export interface ExpectedDiagnosis {
  scenario: string;
  title: string;
  verdict: Verdict;
  action: Action;
  /** In order: most likely first. */
  causes: ExpectedCause[];
  /** The checks that must be reported inconclusive (in any order). */
  inconclusive: { check: string }[];
}

export interface Scenario {
  /** Folder name under `events/scenarios/`. */
  name: string;
  /** One line for a listing (README, demo). */
  title: string;
  /** The story, written into the snapshot's `description`. */
  description: string;
  event: SeedEventOptions;
  snapshot: SnapshotBuilder;
  expect: Omit<ExpectedDiagnosis, 'scenario' | 'title' | 'inconclusive'> & { inconclusive?: string[] };
}
