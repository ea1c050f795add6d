/**
 * The scheduled audit: audit, compare with the last run's problems, notify each route's NEW problems once
 * (and the ones fixed since), then remember this run. A rule that could not be fully checked this time
 * keeps its known problems: a read that failed is not a fix.
 */
import type { Mode } from '../config.js';
import type { Diagnosis } from '../diagnosis/types.js';
import { plural } from '../notify/clip.js';
import type { Notification, NotificationCause } from '../notify/notification.js';
import type { NotifyOutcome } from '../pipeline/act-on-diagnoses.js';
import type { AuditState, AuditStateStore, StoredProblem } from './audit-state.js';
import { type AuditProblem, auditProblems, gapOfSignature } from './problems.js';
import type { AuditReport, RuleAudit } from './types.js';

export interface ScheduledAuditDeps {
  audit(): Promise<AuditReport>;
  state: AuditStateStore;
  notify(notification: Notification): Promise<NotifyOutcome>;
  mode: Mode;
}

export interface ScheduledAuditResult {
  problems: number;
  newProblems: number;
  fixed: number;
  inconclusive: number;
  notifications: number;
  /** Routes whose notice reached no channel: their new problems stay new for the next run. */
  undelivered: { route: string; failed: NotifyOutcome['failed'] }[];
}

interface Route {
  bucket: string;
  ruleId?: string;
  destinationBucket?: string;
}

const routeKey = (route: Route): string =>
  JSON.stringify([route.bucket, route.ruleId ?? null, route.destinationBucket ?? null]);

function routeOf(problem: AuditProblem): Route {
  return problem.kind === 'bucket'
    ? { bucket: problem.bucket }
    : { bucket: problem.bucket, ruleId: problem.ruleId, destinationBucket: problem.destinationBucket };
}

function stored(problem: AuditProblem): StoredProblem {
  return { signature: problem.signature, line: problem.line, ...routeOf(problem) };
}

/** Routes whose every check ran this time: only there can a known problem be called fixed. */
function certainRoutes(report: AuditReport): Set<string> {
  const certain = new Set<string>();
  for (const bucket of report.buckets) {
    if (bucket.status === 'unreadable') continue;
    certain.add(routeKey({ bucket: bucket.bucket }));
    for (const rule of bucket.rules) {
      const unsure =
        rule.unverified.length > 0 || rule.probes.some((probe) => probe.diagnosis.inconclusive.length > 0);
      if (!unsure)
        certain.add(
          routeKey({ bucket: bucket.bucket, ruleId: rule.ruleId, destinationBucket: rule.destinationBucket }),
        );
    }
  }
  return certain;
}

/** Rules the audit read this time, by route: their setup gaps were checked whatever the probes found. */
function readRules(report: AuditReport): Map<string, RuleAudit> {
  const rules = new Map<string, RuleAudit>();
  for (const bucket of report.buckets)
    for (const rule of bucket.rules)
      rules.set(
        routeKey({ bucket: bucket.bucket, ruleId: rule.ruleId, destinationBucket: rule.destinationBucket }),
        rule,
      );
  return rules;
}

/**
 * Whether this run checked the problem, so its absence means fixed. Per problem, not per route: an
 * inconclusive probe says nothing about a setup gap, and a gap carried past its fix would never be new again.
 */
function checked(problem: StoredProblem, certain: Set<string>, rules: Map<string, RuleAudit>): boolean {
  const gap = gapOfSignature(problem.signature);
  if (gap === undefined) return certain.has(routeKey(problem));
  const rule = rules.get(routeKey(problem));
  // Enrolment is known once the notification configuration was read; rule.unverified says when it was not.
  return rule !== undefined && (gap !== 'not-enrolled' || rule.unverified.length === 0);
}

function gapNote(problem: Extract<AuditProblem, { kind: 'gap' }>): string {
  const { gap } = problem;
  const run = gap.fix.commands.length > 0 ? ` Run: ${gap.fix.commands.join(' && ')}` : '';
  return `Setup gap ${gap.gap}: ${gap.summary} Fix: ${gap.fix.summary}${run}`;
}

function noticeOf(
  route: Route,
  added: AuditProblem[],
  fixed: StoredProblem[],
  mode: Mode,
  report: AuditReport,
): Notification {
  const causes = added.flatMap((problem): NotificationCause[] =>
    problem.kind === 'cause'
      ? [
          {
            location: problem.cause.location,
            problem: problem.cause.problem,
            summary: problem.cause.summary,
            missingActions: problem.cause.missingActions,
            ...(problem.cause.principal ? { principal: problem.cause.principal } : {}),
            ...(problem.cause.resource ? { resource: problem.cause.resource } : {}),
            evidence: [
              `seen by the audit probes: ${problem.probes.join(', ')}`,
              ...(problem.cause.evidence ?? []),
            ],
            fix: problem.cause.fix,
          },
        ]
      : [],
  );
  const notes = [
    ...added.flatMap((problem) =>
      problem.kind === 'gap' ? [gapNote(problem)] : problem.kind === 'bucket' ? [`${problem.line}.`] : [],
    ),
    ...fixed.map((problem) => `Fixed since the last audit: ${problem.line}`),
  ];
  const name = `${route.bucket}${route.destinationBucket ? ` → ${route.destinationBucket}` : ''}${route.ruleId ? `, rule ${route.ruleId}` : ''}`;
  const counts = [
    ...(added.length > 0 ? [plural(added.length, 'new problem')] : []),
    ...(fixed.length > 0 ? [`${fixed.length} fixed`] : []),
  ].join(', ');
  const diagnoses: Diagnosis[] = report.buckets
    .filter((bucket) => bucket.bucket === route.bucket)
    .flatMap((bucket) => bucket.rules)
    .filter((rule) => rule.ruleId === route.ruleId && rule.destinationBucket === route.destinationBucket)
    .flatMap((rule) => rule.probes.map((probe) => probe.diagnosis))
    .filter((diagnosis) => diagnosis.causes.length > 0);
  return {
    signature: JSON.stringify([
      'audit',
      routeKey(route),
      added.map((problem) => problem.signature),
      fixed.map((problem) => problem.signature),
    ]),
    title: `Replication audit: ${counts} — ${name}`,
    severity: added.length === 0 ? 'info' : causes.length > 0 ? 'critical' : 'warning',
    verdict: added.length > 0 ? 'root-cause-found' : 'no-action-needed',
    decision: added.length > 0 ? 'notify' : 'ignore',
    mode,
    modeLine: `Mode: ${mode} — audit only, nothing was changed`,
    sourceBucket: route.bucket,
    destinationBucket: route.destinationBucket ?? '',
    ruleId: route.ruleId ?? '',
    failureReasons: ['audit: no object has failed yet'],
    causes,
    inconclusive: [],
    notes,
    objects: [],
    plannedCopies: [],
    diagnoses,
  };
}

export async function runScheduledAudit(deps: ScheduledAuditDeps): Promise<ScheduledAuditResult> {
  const [report, previous] = await Promise.all([deps.audit(), deps.state.load()]);
  const current = auditProblems(report);
  const known = new Map((previous?.problems ?? []).map((problem) => [problem.signature, problem]));
  const now = new Set(current.map((problem) => problem.signature));
  const certain = certainRoutes(report);
  const rules = readRules(report);

  const routes = new Map<string, { route: Route; added: AuditProblem[]; fixed: StoredProblem[] }>();
  const entry = (route: Route) => {
    const key = routeKey(route);
    let found = routes.get(key);
    if (!found) {
      found = { route, added: [], fixed: [] };
      routes.set(key, found);
    }
    return found;
  };
  for (const problem of current)
    if (!known.has(problem.signature)) entry(routeOf(problem)).added.push(problem);
  const carried: StoredProblem[] = [];
  for (const problem of known.values()) {
    if (now.has(problem.signature)) continue;
    if (checked(problem, certain, rules)) entry(problem).fixed.push(problem);
    else if (report.buckets.some((bucket) => bucket.bucket === problem.bucket)) carried.push(problem);
  }

  const undelivered: ScheduledAuditResult['undelivered'] = [];
  const retry = new Set<string>();
  for (const [key, change] of routes) {
    const outcome = await deps.notify(noticeOf(change.route, change.added, change.fixed, deps.mode, report));
    if (outcome.delivered.length === 0) {
      undelivered.push({ route: key, failed: outcome.failed });
      retry.add(key);
    }
  }

  // An undelivered route is remembered as it was, so the same news goes out on the next run.
  const remembered: StoredProblem[] = [
    ...current
      .filter((problem) => !retry.has(routeKey(routeOf(problem))) || known.has(problem.signature))
      .map(stored),
    ...carried,
    ...[...known.values()].filter((problem) => !now.has(problem.signature) && retry.has(routeKey(problem))),
  ];
  const state: AuditState = { auditedAt: report.auditedAt, problems: remembered };
  await deps.state.save(state);
  const newProblems = [...routes.values()].reduce((sum, change) => sum + change.added.length, 0);
  const fixed = [...routes.values()].reduce((sum, change) => sum + change.fixed.length, 0);
  return {
    problems: report.problems,
    newProblems,
    fixed,
    inconclusive: report.inconclusive,
    notifications: routes.size,
    undelivered,
  };
}
