/**
 * In-memory fakes for the sweep's ports: an incident store with the real store's conditional semantics,
 * a Batch Replication job that is driven by the test, and recorders for notices, copies and HeadObject calls.
 */
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import type { ReplicationFailure } from '../../shared/events/types.js';
import type { BatchJobPorts } from '../../shared/incidents/batch-jobs.js';
import { incidentIdOf } from '../../shared/incidents/incident-id.js';
import type { IncidentMetrics } from '../../shared/incidents/metrics.js';
import type { CopyOutcome, SweepPorts, SweepSettings } from '../../shared/incidents/sweep.js';
import type {
  FailureRecord,
  Incident,
  IncidentNotice,
  IncidentObject,
  IncidentStore,
  ObjectState,
  RedriveInfo,
  RedriveState,
} from '../../shared/incidents/types.js';
import { causeSignature } from '../../shared/notify/notification.js';
import type { BatchReplication, JobProgress, JobReportRow } from '../../shared/redrive/index.js';

const COUNTING: RedriveState[] = ['running', 'verifying', 'done'];
const objectId = (o: { bucket: string; key: string; versionId?: string }) =>
  JSON.stringify([o.bucket, o.key, o.versionId ?? null]);

export class FakeIncidentStore implements IncidentStore {
  readonly incidents = new Map<string, Incident>();
  readonly objects = new Map<string, Map<string, IncidentObject>>();
  constructor(private readonly now: () => number) {}

  /** Test setup: an open incident with `count` failed objects (keys k0…), as recordFailures leaves it. */
  seed(diagnosis: Diagnosis, count: number, extra: Partial<Incident> = {}): Incident {
    const failures = Array.from({ length: count }, (_, i) => ({
      bucket: diagnosis.failure.sourceBucket,
      key: i === 0 ? diagnosis.failure.key : `k${i}`,
      versionId: i === 0 ? (diagnosis.failure.versionId ?? 'v0') : `v${i}`,
      failureReason: diagnosis.failure.failureReason ?? 'DstPutObjectNotPermitted',
      eventTime: '2026-01-01T10:00:00.000Z',
    }));
    const incident = this.record(diagnosis, failures);
    Object.assign(incident, extra);
    return incident;
  }

  private record(diagnosis: Diagnosis, failures: FailureRecord[]): Incident {
    const incidentId = incidentIdOf(diagnosis);
    let incident = this.incidents.get(incidentId);
    if (!incident) {
      incident = {
        incidentId,
        signature: causeSignature(diagnosis),
        status: 'open',
        sourceBucket: diagnosis.failure.sourceBucket,
        ruleId: diagnosis.failure.ruleId,
        destinationBucket: diagnosis.failure.destinationBucket,
        failureReasons: [],
        count: 0,
        firstSeen: failures[0]?.eventTime ?? '',
        lastSeen: failures[0]?.eventTime ?? '',
        sampleKeys: [],
        diagnosis,
        openedAt: new Date(this.now()).toISOString(),
        reopenCount: 0,
        refailedSinceRedrive: 0,
      };
      this.incidents.set(incidentId, incident);
      this.objects.set(incidentId, new Map());
    }
    const objects = this.objects.get(incidentId) ?? new Map<string, IncidentObject>();
    for (const failure of failures) {
      objects.set(objectId(failure), {
        incidentId,
        bucket: failure.bucket,
        key: failure.key,
        ...(failure.versionId ? { versionId: failure.versionId } : {}),
        ...(failure.failureReason ? { failureReason: failure.failureReason } : {}),
        firstSeen: failure.eventTime,
        state: 'failed',
      });
      if (failure.failureReason && !incident.failureReasons.includes(failure.failureReason))
        incident.failureReasons.push(failure.failureReason);
      if (incident.sampleKeys.length < 5)
        incident.sampleKeys.push({
          key: failure.key,
          ...(failure.versionId ? { versionId: failure.versionId } : {}),
        });
    }
    incident.count += failures.length;
    if (incident.redrive && COUNTING.includes(incident.redrive.state))
      incident.refailedSinceRedrive += failures.length;
    return incident;
  }

  async recordFailures(diagnosis: Diagnosis, failures: FailureRecord[]) {
    const opened = !this.incidents.has(incidentIdOf(diagnosis));
    const incident = this.record(diagnosis, failures);
    return { incident: structuredClone(incident), opened, reopened: false, added: failures.length };
  }
  async get(incidentId: string) {
    const incident = this.incidents.get(incidentId);
    return incident ? structuredClone(incident) : undefined;
  }
  async listOpen() {
    return [...this.incidents.values()].filter((i) => i.status === 'open').map((i) => structuredClone(i));
  }
  async *listObjects(incidentId: string, options: { states?: ObjectState[] } = {}) {
    // Like a paginated Query: a snapshot of the partition, yielded one by one.
    for (const object of [...(this.objects.get(incidentId)?.values() ?? [])]) {
      if (!options.states || options.states.includes(object.state)) yield structuredClone(object);
    }
  }
  async countObjects(incidentId: string, options: { states?: ObjectState[] } = {}) {
    let n = 0;
    for await (const _ of this.listObjects(incidentId, options)) n += 1;
    return n;
  }
  readonly markCalls: number[] = [];
  async markObjects(
    incidentId: string,
    updates: { bucket: string; key: string; versionId?: string; state: ObjectState; lastError?: string }[],
  ) {
    this.markCalls.push(updates.length);
    const objects = this.objects.get(incidentId);
    for (const update of updates) {
      const object = objects?.get(objectId(update));
      if (!object) continue;
      object.state = update.state;
      if (update.lastError === undefined) delete object.lastError;
      else object.lastError = update.lastError;
    }
  }
  async claimNotification(incidentId: string, kind: 'slack-update' | 'digest', minIntervalMs: number) {
    const incident = this.incidents.get(incidentId);
    if (!incident) return false;
    const field = kind === 'digest' ? 'lastDigestAt' : 'lastSlackUpdateAt';
    const last = incident[field];
    if (last && Date.parse(last) > this.now() - minIntervalMs) return false;
    incident[field] = new Date(this.now()).toISOString();
    return true;
  }
  async setSlackMessage(incidentId: string, slack: { ts: string; channel: string }) {
    const incident = this.incidents.get(incidentId);
    if (incident) incident.slack = slack;
  }
  readonly redriveHistory: RedriveState[] = [];
  async setRedrive(
    incidentId: string,
    redrive: RedriveInfo,
    options: {
      expectState?: RedriveState | 'none';
      expectRedrive?: Pick<RedriveInfo, 'startedAt' | 'jobId'>;
    } = {},
  ) {
    const incident = this.incidents.get(incidentId);
    if (!incident) return false;
    const current = incident.redrive?.state ?? 'none';
    if (options.expectState !== undefined && options.expectState !== current) return false;
    const same = options.expectRedrive;
    if (same && (incident.redrive?.startedAt !== same.startedAt || incident.redrive?.jobId !== same.jobId))
      return false;
    const starts = COUNTING.includes(redrive.state) && !COUNTING.includes(current as RedriveState);
    if (starts) incident.refailedSinceRedrive = 0;
    incident.redrive = structuredClone(redrive);
    this.redriveHistory.push(redrive.state);
    return true;
  }
  async approve(incidentId: string, by: string) {
    const incident = this.incidents.get(incidentId);
    if (!incident?.redrive || incident.status !== 'open' || incident.redrive.state !== 'awaiting-approval')
      return false;
    incident.redrive = { ...incident.redrive, state: 'approved', approvedBy: by };
    return true;
  }
  async resolve(incidentId: string, note?: string) {
    const incident = this.incidents.get(incidentId);
    if (incident?.status !== 'open') return false;
    incident.status = 'resolved';
    incident.resolvedAt = new Date(this.now()).toISOString();
    if (note !== undefined) incident.note = note;
    return true;
  }
  async reopen(incidentId: string, note: string) {
    const incident = this.incidents.get(incidentId);
    if (!incident) return false;
    if (incident.status === 'resolved') {
      incident.status = 'open';
      incident.reopenCount += 1;
      incident.note = note;
      return true;
    }
    return false;
  }
  objectsOf(incidentId: string): IncidentObject[] {
    return [...(this.objects.get(incidentId)?.values() ?? [])];
  }
}

/** A Batch Replication job whose progress and report the test sets. */
export class FakeBatch implements BatchReplication {
  readonly starts: {
    incidentId: string;
    attempt: number;
    rows: { bucket: string; key: string; versionId?: string }[];
  }[] = [];
  progress: JobProgress = { state: 'running' };
  rows: JobReportRow[] | undefined;
  async start(input: (typeof this.starts)[number]) {
    this.starts.push(structuredClone(input));
    return {
      jobId: `job-${this.starts.length}`,
      manifestKey: `manifests/${input.incidentId}/${input.attempt}.csv`,
      requests: 2,
    };
  }
  async status(_jobId: string) {
    return this.progress;
  }
  /** Default: every task of the last start succeeded. */
  async report(_jobId: string): Promise<JobReportRow[]> {
    return (
      this.rows ??
      (this.starts.at(-1)?.rows ?? []).map((row) => ({
        ...row,
        taskStatus: 'succeeded' as const,
        httpStatus: 200,
      }))
    );
  }
}

export interface Harness {
  ports: SweepPorts;
  /** The Batch Replication job runner's ports, on the same store and fake jobs. */
  jobPorts: BatchJobPorts;
  store: FakeIncidentStore;
  batch: FakeBatch;
  notices: IncidentNotice[];
  copies: IncidentObject[];
  heads: IncidentObject[];
  diagnosed: ReplicationFailure[];
  logs: { level: string; message: string; fields: Record<string, unknown> }[];
  metrics: Record<string, number[]>;
  settings: SweepSettings;
  clock: { now: number };
  /** What the re-diagnosis answers (default: the cause is still there). */
  diagnosis: (failure: ReplicationFailure) => Diagnosis | Promise<Diagnosis>;
  copy: (object: IncidentObject) => CopyOutcome | Promise<CopyOutcome>;
  status: (object: IncidentObject) => string | undefined;
}

export function createHarness(settings: Partial<SweepSettings> = {}): Harness {
  const clock = { now: Date.parse('2026-01-01T12:00:00.000Z') };
  const store = new FakeIncidentStore(() => clock.now);
  const metrics: Record<string, number[]> = {};
  const record = (name: string) => (n: number) => {
    metrics[name] = [...(metrics[name] ?? []), n];
  };
  const incidentMetrics: IncidentMetrics = {
    failuresReceived: record('failuresReceived'),
    diagnosed: record('diagnosed'),
    incidentsOpen: record('incidentsOpen'),
    objectsRedriven: record('objectsRedriven'),
    refailed: record('refailed'),
    timeToRepair: record('timeToRepair'),
    publish: () => undefined,
  };
  const h: Harness = {
    store,
    batch: new FakeBatch(),
    notices: [],
    copies: [],
    heads: [],
    diagnosed: [],
    logs: [],
    metrics,
    clock,
    settings: {
      mode: 'auto',
      autoRetrigger: ['*'],
      copyThreshold: 10,
      slackUpdateIntervalMs: 60_000,
      digestIntervalMs: 3_600_000,
      spotCheck: 3,
      ...settings,
    },
    diagnosis: () => {
      throw new Error('set h.diagnosis');
    },
    copy: () => ({ ok: true, newVersionId: 'copied' }),
    status: () => 'COMPLETED',
    ports: undefined as unknown as SweepPorts,
    jobPorts: undefined as unknown as BatchJobPorts,
  };
  h.ports = {
    store,
    settings: async () => h.settings,
    rediagnose: async (failure) => {
      h.diagnosed.push(failure);
      return h.diagnosis(failure);
    },
    copyObject: async (object) => {
      h.copies.push(object);
      return h.copy(object);
    },
    replicationStatus: async (object) => {
      h.heads.push(object);
      return h.status(object);
    },
    notify: async (notice) => {
      h.notices.push(structuredClone(notice));
    },
    log: {
      info: (message, fields) => h.logs.push({ level: 'info', message, fields }),
      warn: (message, fields) => h.logs.push({ level: 'warn', message, fields }),
      error: (message, fields) => h.logs.push({ level: 'error', message, fields }),
    },
    metrics: incidentMetrics,
    now: () => clock.now,
    region: 'us-east-1',
  };
  h.jobPorts = { store, batch: h.batch, log: h.ports.log, metrics: incidentMetrics };
  return h;
}
