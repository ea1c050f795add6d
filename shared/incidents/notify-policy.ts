/**
 * What an incident may send, decided from data only. An incident is announced once, when it opens or
 * reopens; everything after is an edit or a digest, rate-limited by the store's claims. A rule-level cause
 * (the role, its policy, a bucket policy or configuration) already explains every failure on its route, so
 * while one is open, narrower incidents on that route are recorded but not announced (Alertmanager's
 * inhibition).
 */
import { isObjectLevel, isRuleLevel } from './incident-id.js';
import type { Incident, RecordOutcome } from './types.js';

export interface NoticeDecision {
  /** Send the opening (or reopening) notice. */
  open: boolean;
  /** The open rule-level incident that holds this one's notices back. */
  inhibitedBy?: string;
}

function sameRoute(a: Incident, b: Incident): boolean {
  return (
    a.sourceBucket === b.sourceBucket && a.ruleId === b.ruleId && a.destinationBucket === b.destinationBucket
  );
}

/** The open rule-level incident on the same route that inhibits this one, if any. */
export function inhibitorOf(incident: Incident, openIncidents: readonly Incident[]): Incident | undefined {
  if (!isObjectLevel(incident.diagnosis)) return undefined;
  return openIncidents.find(
    (other) =>
      other.incidentId !== incident.incidentId &&
      other.status === 'open' &&
      sameRoute(other, incident) &&
      isRuleLevel(other.diagnosis),
  );
}

export function decideNotices(outcome: RecordOutcome, context: { openOnRoute: Incident[] }): NoticeDecision {
  const inhibitor = inhibitorOf(outcome.incident, context.openOnRoute);
  if (inhibitor) return { open: false, inhibitedBy: inhibitor.incidentId };
  return { open: outcome.opened || outcome.reopened };
}

/** Nothing sent yet, or the last one at least `intervalMs` ago. */
export function isDue(lastAt: string | undefined, intervalMs: number, now: number): boolean {
  if (lastAt === undefined) return true;
  const last = Date.parse(lastAt);
  // A time that cannot be read cannot prove a recent send.
  if (Number.isNaN(last)) return true;
  return now - last >= intervalMs;
}
