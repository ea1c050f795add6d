/**
 * The scheduled sweep over open incidents: verify the cause with fresh reads, re-drive the recorded failed
 * objects once it is gone (copy in place for a few; many go to one S3 Batch Replication job, which
 * batch-jobs.ts runs in a function of its own), spot-check replication and resolve. Everything it knows comes from the ledger, so a re-drive is
 * O(failures) and never a bucket scan; every state change is conditional, so overlapping sweeps act once.
 */
import type { Diagnosis } from '../diagnosis/types.js';
import { encodeS3EventKey } from '../events/s3-key-encoding.js';
import {
  REPLICATION_EVENT_NAMES,
  type ReplicationEventName,
  type ReplicationFailure,
} from '../events/types.js';
import { plural } from '../notify/clip.js';
import type { BatchLog } from '../pipeline/diagnose-queue-batch.js';
import { isOptedIn } from '../remediation/action-policy.js';
import { BATCH_FIXED_REQUESTS } from './batch-jobs.js';
import type { IncidentMetrics } from './metrics.js';
import { collect, identity, MarkBuffer } from './object-marks.js';
import type {
  Incident,
  IncidentNotice,
  IncidentObject,
  IncidentStore,
  RedriveInfo,
  RedriveMethod,
} from './types.js';

export interface SweepSettings {
  mode: 'plan' | 'auto';
  /**
   * Failure reasons auto mode may re-drive without approval (`*` for all): as for the act function's copies,
   * auto is opted into per problem class. An incident is re-driven only when every one of its reasons is.
   */
  autoRetrigger: string[];
  /** At most this many objects: copy in place; above: one Batch Replication job. */
  copyThreshold: number;
  slackUpdateIntervalMs: number;
  digestIntervalMs: number;
  /** HeadObject samples before resolving. */
  spotCheck: number;
}

/** The deployed defaults (serverless.yml params copyThreshold, slackUpdateIntervalSeconds, digestIntervalSeconds, spotCheck). */
export const DEFAULT_SWEEP_SETTINGS: SweepSettings = {
  mode: 'plan',
  autoRetrigger: [],
  copyThreshold: 1000,
  slackUpdateIntervalMs: 5 * 60_000,
  digestIntervalMs: 60 * 60_000,
  spotCheck: 5,
};

export type CopyOutcome =
  | { ok: true; newVersionId?: string; requests?: number }
  | { ok: false; reason: string; requests?: number };

export interface SweepPorts {
  store: IncidentStore;
  settings(): Promise<SweepSettings>;
  /** A diagnosis with fresh reads (no cache): what is true now. */
  rediagnose(failure: ReplicationFailure): Promise<Diagnosis>;
  /** Ledger-claimed, planned and executed copy in place of one object; `requests` when known (default 2). */
  copyObject(object: IncidentObject): Promise<CopyOutcome>;
  /**
   * HeadObject `ReplicationStatus`; undefined when S3 sends none. Objects copied in place are passed without
   * `versionId`: their original version stays FAILED forever, the copy is the current version.
   */
  replicationStatus(object: IncidentObject): Promise<string | undefined>;
  notify(notice: IncidentNotice): Promise<void>;
  log: BatchLog;
  metrics?: IncidentMetrics;
  now(): number;
  /**
   * The source buckets' region, which a re-diagnosis needs (policy conditions, KMS). The system is deployed
   * in that region (S3 notifies only a queue in the bucket's region); default: the Lambda's AWS_REGION.
   */
  region?: string;
}

export interface SweepReport {
  /** Open incidents swept. */
  incidents: number;
  /** Incidents whose cause is still there (or changed into another one). */
  stillBroken: number;
  awaitingApproval: number;
  /** Objects re-driven in this sweep: copied in place or handed over for a Batch Replication job. */
  redriven: number;
  resolved: number;
  /** Incidents whose circuit breaker is open (tripped now or earlier). */
  tripped: number;
  /** S3 requests made by copies and spot checks (not the diagnosis reads, not DynamoDB). */
  requests: number;
  /** Incidents whose sweep failed (throttling, an unreachable service); the next sweep tries again. */
  errors: number;
}

type Outcome =
  | 'still-broken'
  | 'awaiting-approval'
  | 'redrive-running'
  | 'verifying'
  | 'resolved'
  | 'tripped'
  | 'conflict';

// Requests per object: a HeadObject to plan and a CopyObject (larger objects need more; this is an estimate).
const COPY_REQUESTS_PER_OBJECT = 2;
const COMPLETED = new Set(['COMPLETED', 'COMPLETE']);

/** How the sweep would re-drive this many objects, and roughly how many requests it costs. */
export function planRedrive(
  objects: number,
  copyThreshold: number,
): { method: RedriveMethod; estimatedRequests: number } {
  return objects <= copyThreshold
    ? { method: 'copy', estimatedRequests: objects * COPY_REQUESTS_PER_OBJECT }
    : { method: 'batch', estimatedRequests: objects + BATCH_FIXED_REQUESTS };
}

export async function runSweep(ports: SweepPorts): Promise<SweepReport> {
  const open = await ports.store.listOpen();
  const report: SweepReport = {
    incidents: open.length,
    stillBroken: 0,
    awaitingApproval: 0,
    redriven: 0,
    resolved: 0,
    tripped: 0,
    requests: 0,
    errors: 0,
  };
  ports.metrics?.incidentsOpen(open.length);
  // Most sweeps find nothing open: they read no settings and load none of the re-drive code.
  if (open.length === 0) return report;
  const sweeper = new IncidentSweeper(ports, await ports.settings(), report);
  for (const incident of open) {
    try {
      const outcome = await sweeper.sweep(incident);
      count(report, outcome);
      ports.log.info('incident swept', { incidentId: incident.incidentId, outcome });
    } catch (error) {
      // One incident's throttling must not stop the others; its state is unchanged and the next sweep retries.
      report.errors += 1;
      ports.log.error('incident sweep failed', {
        incidentId: incident.incidentId,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }
  return report;
}

function count(report: SweepReport, outcome: Outcome): void {
  switch (outcome) {
    case 'still-broken':
      report.stillBroken += 1;
      return;
    case 'awaiting-approval':
      report.awaitingApproval += 1;
      return;
    case 'resolved':
      report.resolved += 1;
      return;
    case 'tripped':
      report.tripped += 1;
      return;
    case 'redrive-running':
    case 'verifying':
    case 'conflict':
      return;
    default: {
      const unknown: never = outcome;
      throw new Error(`unhandled sweep outcome ${String(unknown)}`);
    }
  }
}

type CauseCheck =
  | { kind: 'present' }
  | { kind: 'gone'; diagnosis: Diagnosis }
  | { kind: 'changed'; diagnosis: Diagnosis };

class IncidentSweeper {
  constructor(
    private readonly ports: SweepPorts,
    private readonly settings: SweepSettings,
    private readonly report: SweepReport,
  ) {}

  private get store(): IncidentStore {
    return this.ports.store;
  }

  async sweep(incident: Incident): Promise<Outcome> {
    const redrive = incident.redrive;
    if (redrive === undefined) return this.planOrRedrive(incident, undefined);
    switch (redrive.state) {
      case 'running':
      case 'verifying':
      case 'done':
        // Failures recorded after the re-drive started mean the cause is back: re-driving again would loop.
        if (incident.refailedSinceRedrive > 0) {
          this.ports.metrics?.refailed(incident.refailedSinceRedrive);
          return this.trip(
            incident,
            redrive,
            `${plural(incident.refailedSinceRedrive, 'failure')} of the same cause arrived after the re-drive started`,
          );
        }
        // The Batch Replication job runner records a job outcome that stops the re-drive; the sweep tells.
        if (redrive.jobFailure !== undefined && redrive.state !== 'done')
          return this.trip(incident, redrive, redrive.jobFailure);
        if (redrive.state === 'running') return this.followRunning(incident, redrive);
        if (redrive.state === 'verifying') return this.verify(incident, redrive);
        // A finished re-drive on an open incident with no new failure: whatever objects are left need a plan.
        return this.planOrRedrive(incident, redrive);
      case 'tripped':
        // Only a human re-arms a tripped incident (`incidents redrive ID --execute`) or resolves it.
        await this.digestIfDue(
          incident,
          `automatic re-drive is stopped: ${redrive.note ?? 'circuit breaker'}`,
        );
        return 'tripped';
      case 'awaiting-approval':
      case 'approved':
        return this.planOrRedrive(incident, redrive);
      default: {
        const unknown: never = redrive.state;
        throw new Error(`unknown redrive state ${String(unknown)}`);
      }
    }
  }

  private async planOrRedrive(incident: Incident, redrive: RedriveInfo | undefined): Promise<Outcome> {
    const check = await this.checkCause(incident);
    if (check.kind !== 'gone') {
      const details =
        check.kind === 'changed'
          ? `the cause changed: ${describeDiagnosis(check.diagnosis)}; nothing is re-driven until it is fixed`
          : undefined;
      await this.digestIfDue(incident, details);
      return 'still-broken';
    }
    const id = incident.incidentId;
    const objects = await this.store.countObjects(id, { states: ['failed'] });
    if (objects === 0) return this.verify(incident, redrive);
    const plan = planRedrive(objects, this.settings.copyThreshold);
    const expectState = redrive?.state ?? 'none';
    // An incident of events without a failure reason is opted in only by "*", as the act function decides.
    const reasons = incident.failureReasons.length > 0 ? incident.failureReasons : [undefined];
    const notOptedIn = reasons
      .filter((reason) => !isOptedIn(reason, this.settings))
      .map((reason) => reason ?? 'failures without a failure reason');
    const automatic = this.settings.mode === 'auto' && notOptedIn.length === 0;
    if (!automatic && redrive?.state !== 'approved') {
      if (redrive?.state === 'awaiting-approval') return 'awaiting-approval';
      const planned: RedriveInfo = { ...plan, state: 'awaiting-approval', objects };
      // Conditional, so of two overlapping sweeps only one plans and notifies.
      if (!(await this.store.setRedrive(id, planned, { expectState }))) return 'conflict';
      const orAuto =
        this.settings.mode === 'plan'
          ? 'or switch the mode to auto'
          : `or opt ${notOptedIn.join(', ')} in to auto mode (autoRetrigger)`;
      await this.tell({
        kind: 'redrive-planned',
        incident: { ...incident, redrive: planned },
        details: `the cause is gone; the sweep would ${describePlan(planned)}. Approve with "incidents redrive ${id} --execute" ${orAuto}.`,
        numbers: { objects, estimatedRequests: plan.estimatedRequests },
      });
      return 'awaiting-approval';
    }
    const approvedBy = redrive?.state === 'approved' ? redrive.approvedBy : 'auto mode';
    const started: RedriveInfo = {
      ...plan,
      state: 'running',
      objects,
      startedAt: new Date(this.ports.now()).toISOString(),
      ...(approvedBy ? { approvedBy } : {}),
    };
    if (!(await this.store.setRedrive(id, started, { expectState }))) return 'conflict';
    const current: Incident = { ...incident, redrive: started, refailedSinceRedrive: 0 };
    return plan.method === 'copy' ? this.copyAll(current, started, true) : this.handOver(current, started);
  }

  /** Copies every object still marked failed; a resumed run repeats nothing, as each copy is claimed in the ledger. */
  private async copyAll(incident: Incident, redrive: RedriveInfo, fresh: boolean): Promise<Outcome> {
    const id = incident.incidentId;
    const pending = await collect(this.store.listObjects(id, { states: ['failed'] }));
    if (fresh)
      await this.tell({
        kind: 'redrive-started',
        incident,
        details: `copying ${plural(pending.length, 'object')} in place`,
        numbers: { objects: pending.length },
      });
    let copied = 0;
    let refused = 0;
    const marks = new MarkBuffer(this.store, id);
    try {
      for (const object of pending) {
        const outcome = await this.ports.copyObject(object);
        this.report.requests += outcome.requests ?? (outcome.ok ? COPY_REQUESTS_PER_OBJECT : 1);
        if (outcome.ok) {
          copied += 1;
          await marks.add({ ...identity(object), state: 'redriven' });
        } else {
          refused += 1;
          await marks.add({ ...identity(object), state: 'failed-again', lastError: outcome.reason });
        }
      }
    } finally {
      // What was copied before an error stays recorded, so the resumed run skips it.
      await marks.flush();
      this.report.redriven += copied;
      this.ports.metrics?.objectsRedriven(copied);
      this.ports.metrics?.refailed(refused);
    }
    // From the ledger, not this run's tallies: an interrupted run's copies count too.
    const [succeeded, failed] = await Promise.all([
      this.store.countObjects(id, { states: ['redriven', 'replicated'] }),
      this.store.countObjects(id, { states: ['failed-again'] }),
    ]);
    const verifying: RedriveInfo = { ...redrive, state: 'verifying', succeeded, failed };
    if (!(await this.store.setRedrive(id, verifying, { expectState: 'running' }))) return 'conflict';
    return 'verifying';
  }

  /** Many objects: the Batch Replication job runner starts the job on its next run (within minutes). */
  private async handOver(incident: Incident, redrive: RedriveInfo): Promise<Outcome> {
    this.report.redriven += redrive.objects;
    this.ports.metrics?.objectsRedriven(redrive.objects);
    await this.tell({
      kind: 'redrive-started',
      incident,
      details: `${plural(redrive.objects, 'object')} handed over for one S3 Batch Replication job, which starts within minutes (its id appears in "incidents show ${incident.incidentId}")`,
      numbers: { objects: redrive.objects },
    });
    return 'redrive-running';
  }

  /** A copy run that stopped midway goes on; a Batch Replication job is the job runner's to follow. */
  private async followRunning(incident: Incident, redrive: RedriveInfo): Promise<Outcome> {
    if (redrive.method === 'copy') return this.copyAll(incident, redrive, false);
    return 'redrive-running';
  }

  /** Spot-checks re-driven objects with HeadObject; resolves once every sample is replicated. */
  private async verify(incident: Incident, redrive: RedriveInfo | undefined): Promise<Outcome> {
    const id = incident.incidentId;
    const samples = await take(
      this.store.listObjects(id, { states: ['redriven'] }),
      Math.max(0, Math.floor(this.settings.spotCheck)),
    );
    const marks = new MarkBuffer(this.store, id);
    const failedKeys: string[] = [];
    let pending = 0;
    for (const object of samples) {
      const probe = redrive?.method === 'copy' ? withoutVersion(object) : object;
      const status = await this.ports.replicationStatus(probe);
      this.report.requests += 1;
      if (status === undefined || COMPLETED.has(status)) {
        // No header: the object is gone or under no rule any more, so nothing is left to replicate.
        await marks.add({ ...identity(object), state: 'replicated' });
      } else if (status === 'FAILED') {
        failedKeys.push(object.key);
        await marks.add({
          ...identity(object),
          state: 'failed-again',
          lastError: 'replication status FAILED',
        });
      } else {
        pending += 1;
      }
    }
    await marks.flush();
    if (failedKeys.length > 0) {
      this.ports.metrics?.refailed(failedKeys.length);
      const shown = failedKeys.slice(0, 3).join(', ') + (failedKeys.length > 3 ? ', …' : '');
      return this.trip(
        incident,
        redrive,
        `${plural(failedKeys.length, 're-driven object')} show replication status FAILED (${shown})`,
      );
    }
    if (pending > 0) return 'verifying';
    return this.resolve(incident, redrive);
  }

  private async resolve(incident: Incident, redrive: RedriveInfo | undefined): Promise<Outcome> {
    const id = incident.incidentId;
    // Failures may have arrived since this sweep listed the incident: decide on what is stored now.
    const now = (await this.store.get(id)) ?? incident;
    if (now.status !== 'open') return 'conflict';
    const counting = redrive !== undefined && ['running', 'verifying', 'done'].includes(redrive.state);
    if (counting && now.refailedSinceRedrive > 0) {
      this.ports.metrics?.refailed(now.refailedSinceRedrive);
      return this.trip(
        now,
        redrive,
        `${plural(now.refailedSinceRedrive, 'failure')} of the same cause arrived after the re-drive started`,
      );
    }
    const [objects, failedAgain, stillFailed] = await Promise.all([
      this.store.countObjects(id),
      this.store.countObjects(id, { states: ['failed-again'] }),
      this.store.countObjects(id, { states: ['failed'] }),
    ]);
    // Objects recorded after the re-drive was planned were not in it: they get their own pass first.
    if (stillFailed > 0) return this.planOrRedrive(now, redrive);
    if (redrive) {
      const done: RedriveInfo = { ...redrive, state: 'done' };
      if (!(await this.store.setRedrive(id, done, { expectState: redrive.state }))) return 'conflict';
    }
    const redriven = redrive?.succeeded ?? 0;
    const note =
      `the cause is gone; ${plural(redriven, 'object')} re-driven` +
      (failedAgain > 0
        ? `; ${failedAgain} failed again for another reason (see "incidents show ${id}")`
        : '');
    // Conditional on the count read above: a failure recorded since then keeps the incident open.
    if (!(await this.store.resolve(id, note, { expectCount: now.count }))) return 'conflict';
    const at = this.ports.now();
    const minutes = Math.max(0, Math.round((at - Date.parse(now.firstSeen)) / 60_000));
    this.ports.metrics?.timeToRepair(minutes);
    await this.tell({
      kind: 'resolved',
      incident: {
        ...now,
        status: 'resolved',
        resolvedAt: new Date(at).toISOString(),
        note,
        ...(redrive ? { redrive: { ...redrive, state: 'done' } } : {}),
      },
      details: note,
      numbers: { failed: now.count, objects, redriven, failedAgain, timeToRepairMinutes: minutes },
    });
    return 'resolved';
  }

  private async trip(incident: Incident, redrive: RedriveInfo | undefined, why: string): Promise<Outcome> {
    const id = incident.incidentId;
    const note = `${why}. Automatic re-drive is stopped until someone fixes the cause and runs "incidents redrive ${id} --execute", or resolves the incident.`;
    const tripped: RedriveInfo = {
      ...(redrive ?? { method: 'copy', objects: 0, estimatedRequests: 0 }),
      state: 'tripped',
      note,
    };
    // Only the re-drive this sweep read: had the job runner recorded a job meanwhile, this write would erase
    // its id. It then conflicts, and the next sweep trips with the job kept.
    const expect = redrive
      ? { expectState: redrive.state, expectRedrive: { startedAt: redrive.startedAt, jobId: redrive.jobId } }
      : { expectState: 'none' as const };
    if (!(await this.store.setRedrive(id, tripped, expect))) return 'conflict';
    await this.tell({
      kind: 'reopened',
      incident: { ...incident, redrive: tripped },
      details: `Re-driven objects failed again: ${note}`,
      numbers: { failed: incident.count, refailed: incident.refailedSinceRedrive },
    });
    return 'tripped';
  }

  private async digestIfDue(incident: Incident, details?: string): Promise<void> {
    if (!(await this.store.claimNotification(incident.incidentId, 'digest', this.settings.digestIntervalMs)))
      return;
    await this.tell({
      kind: 'still-open',
      incident,
      ...(details ? { details } : {}),
      numbers: { failed: incident.count },
    });
  }

  /** A notice that cannot be delivered is logged: the state change it reports has already been stored. */
  private async tell(notice: IncidentNotice): Promise<void> {
    try {
      await this.ports.notify(notice);
    } catch (error) {
      this.ports.log.error('incident notice not delivered', {
        incidentId: notice.incident.incidentId,
        kind: notice.kind,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }

  /**
   * Re-diagnoses the incident's first object, or the next sample when that one was deleted since: an object
   * that is gone says nothing about whether the cause is.
   */
  private async checkCause(incident: Incident): Promise<CauseCheck> {
    let last: Diagnosis | undefined;
    for (const failure of candidateFailures(incident, this.ports.region ?? defaultRegion())) {
      const diagnosis = await this.ports.rediagnose(failure);
      last = diagnosis;
      if (isObjectGone(diagnosis)) continue;
      return classify(incident, diagnosis);
    }
    return last ? { kind: 'gone', diagnosis: last } : { kind: 'present' };
  }
}

function classify(incident: Incident, diagnosis: Diagnosis): CauseCheck {
  switch (diagnosis.verdict) {
    case 'no-cause-found':
    case 'no-action-needed':
      return { kind: 'gone', diagnosis };
    case 'root-cause-found':
    case 'inconclusive':
      return sameCause(incident, diagnosis) ? { kind: 'present' } : { kind: 'changed', diagnosis };
    default: {
      const unknown: never = diagnosis.verdict;
      throw new Error(`unknown verdict ${String(unknown)}`);
    }
  }
}

/** Same locations, problems and missing actions as the diagnosis that opened the incident. */
function sameCause(incident: Incident, diagnosis: Diagnosis): boolean {
  const shape = (d: Diagnosis) =>
    JSON.stringify([
      d.verdict,
      d.causes.map((cause) => [cause.location, cause.problem, cause.missingActions]),
      d.inconclusive.map((item) => item.check).sort(),
    ]);
  return shape(incident.diagnosis) === shape(diagnosis);
}

function isObjectGone(diagnosis: Diagnosis): boolean {
  return (
    diagnosis.verdict === 'no-action-needed' &&
    diagnosis.causes.some((cause) => cause.problem === 'object-gone')
  );
}

function candidateFailures(incident: Incident, region: string): ReplicationFailure[] {
  const first = incident.diagnosis.failure;
  const objects = [{ key: first.key, versionId: first.versionId }, ...incident.sampleKeys];
  const seen = new Set<string>();
  const failures: ReplicationFailure[] = [];
  for (const object of objects) {
    const id = JSON.stringify([object.key, object.versionId ?? null]);
    if (seen.has(id)) continue;
    seen.add(id);
    failures.push({
      eventName: eventNameOf(first.eventName),
      eventVersion: '2.2',
      eventTime: incident.firstSeen,
      awsRegion: region,
      sourceBucket: incident.sourceBucket,
      key: object.key,
      rawKey: encodeS3EventKey(object.key),
      ...(object.versionId ? { versionId: object.versionId } : {}),
      ruleId: incident.ruleId,
      destinationBucket: incident.destinationBucket,
      destinationBucketArn: `arn:aws:s3:::${incident.destinationBucket}`,
      ...(first.failureReason ? { failureReason: first.failureReason } : {}),
    });
  }
  return failures;
}

function eventNameOf(name: string): ReplicationEventName {
  return (REPLICATION_EVENT_NAMES as readonly string[]).includes(name)
    ? (name as ReplicationEventName)
    : 'Replication:OperationFailedReplication';
}

function defaultRegion(): string {
  // Lambda always sets AWS_REGION, and the system is deployed in the source buckets' region.
  return process.env.AWS_REGION ?? 'us-east-1';
}

function describeDiagnosis(diagnosis: Diagnosis): string {
  const cause = diagnosis.causes[0];
  if (cause) return `${cause.location} / ${cause.problem}: ${cause.summary}`;
  const inconclusive = diagnosis.inconclusive[0];
  return inconclusive ? `inconclusive (${inconclusive.check}: ${inconclusive.why})` : diagnosis.verdict;
}

export function describePlan(redrive: Pick<RedriveInfo, 'method' | 'objects' | 'estimatedRequests'>): string {
  const how = redrive.method === 'copy' ? 'copy in place' : 'one S3 Batch Replication job';
  return `re-drive ${plural(redrive.objects, 'object')} by ${how} (about ${plural(redrive.estimatedRequests, 'request')})`;
}

function withoutVersion(object: IncidentObject): IncidentObject {
  const { versionId: _versionId, ...rest } = object;
  return rest;
}

async function take<T>(items: AsyncIterable<T>, limit: number): Promise<T[]> {
  const taken: T[] = [];
  if (limit === 0) return taken;
  for await (const item of items) {
    taken.push(item);
    if (taken.length >= limit) break;
  }
  return taken;
}
