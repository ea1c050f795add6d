/**
 * Runs the S3 Batch Replication jobs the sweep hands over. For each open incident whose re-drive is a running
 * Batch Replication it starts the job (manifest from the ledger, an idempotent CreateJob), follows it, and
 * reads its completion report into the incident's objects. It only records what happened: the sweep, on its
 * next run, trips the breaker or verifies and resolves, and tells. It runs as a function of its own so the
 * sweep carries no S3 Control client and its role no CreateJob or PassRole.
 */

import { plural } from '../notify/clip.js';
import type { BatchLog } from '../pipeline/diagnose-queue-batch.js';
import type { BatchReplication, JobReportRow } from '../redrive/index.js';
import type { IncidentMetrics } from './metrics.js';
import { collect, identity, MarkBuffer } from './object-marks.js';
import type { Incident, IncidentStore, RedriveInfo } from './types.js';

/** A Batch Replication job costs the manifest PutObject and CreateJob, then one task per object. */
export const BATCH_FIXED_REQUESTS = 2;

export interface BatchJobPorts {
  store: IncidentStore;
  batch: BatchReplication;
  log: BatchLog;
  metrics?: Pick<IncidentMetrics, 'refailed'>;
}

export interface BatchJobsReport {
  /** Open incidents whose re-drive is a running Batch Replication. */
  incidents: number;
  started: number;
  /** Jobs still running. */
  running: number;
  /** Jobs whose report was read: the incident is now verifying. */
  finished: number;
  /** Jobs whose outcome stops the re-drive (the sweep trips the incident). */
  stopped: number;
  /** S3 and S3 Control requests made. */
  requests: number;
  /** Incidents whose step failed (throttling, an unreachable service); the next run tries again. */
  errors: number;
}

type Step = 'started' | 'running' | 'finished' | 'stopped' | 'conflict';

export async function runBatchJobs(ports: BatchJobPorts): Promise<BatchJobsReport> {
  const open = await ports.store.listOpen();
  // An incident with failures since its re-drive started is the sweep's to trip: no job for it.
  const handedOver = open.filter(
    (incident) =>
      incident.redrive?.state === 'running' &&
      incident.redrive.method === 'batch' &&
      incident.redrive.jobFailure === undefined &&
      incident.refailedSinceRedrive === 0,
  );
  const report: BatchJobsReport = {
    incidents: handedOver.length,
    started: 0,
    running: 0,
    finished: 0,
    stopped: 0,
    requests: 0,
    errors: 0,
  };
  for (const incident of handedOver) {
    const redrive = incident.redrive;
    if (!redrive) continue;
    try {
      const step = await followJob(ports, incident, redrive, report);
      if (step !== 'conflict') report[step] += 1;
      ports.log.info('batch job step', { incidentId: incident.incidentId, step });
    } catch (error) {
      // One incident's throttling must not stop the others; nothing was recorded, so the next run retries.
      report.errors += 1;
      ports.log.error('batch job step failed', {
        incidentId: incident.incidentId,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }
  return report;
}

async function followJob(
  ports: BatchJobPorts,
  incident: Incident,
  redrive: RedriveInfo,
  report: BatchJobsReport,
): Promise<Step> {
  if (!redrive.jobId) return startJob(ports, incident, redrive, report);
  const status = await ports.batch.status(redrive.jobId);
  report.requests += 1;
  switch (status.state) {
    case 'running':
      return 'running';
    case 'failed':
    case 'cancelled': {
      const what = status.state === 'failed' ? 'failed' : 'was cancelled';
      const jobFailure = `S3 Batch Replication job ${redrive.jobId} ${what}${status.reason ? ` (${status.reason})` : ''}`;
      const stopped = await ports.store.setRedrive(
        incident.incidentId,
        { ...redrive, jobFailure },
        { expectState: 'running', expectRedrive: redrive },
      );
      return stopped ? 'stopped' : 'conflict';
    }
    case 'complete':
      return readReport(ports, incident, redrive, redrive.jobId, report);
    default: {
      const unknown: never = status.state;
      throw new Error(`unknown job state ${String(unknown)}`);
    }
  }
}

async function startJob(
  ports: BatchJobPorts,
  incident: Incident,
  redrive: RedriveInfo,
  report: BatchJobsReport,
): Promise<Step> {
  const id = incident.incidentId;
  const rows = (await collect(ports.store.listObjects(id, { states: ['failed'] }))).map(identity);
  // From the persisted start time: a run that stopped before saving the job id starts the same job again
  // (same manifest, same CreateJob token) rather than a second one.
  const attempt = Math.max(1, Math.floor(Date.parse(redrive.startedAt ?? '') / 1000) || 1);
  const job = await ports.batch.start({ incidentId: id, attempt, rows });
  report.requests += job.requests;
  const recorded = {
    objects: rows.length,
    estimatedRequests: rows.length + BATCH_FIXED_REQUESTS,
    jobId: job.jobId,
  };
  const unchanged = { startedAt: redrive.startedAt, jobId: undefined };
  if (
    await ports.store.setRedrive(
      id,
      { ...redrive, ...recorded },
      { expectState: 'running', expectRedrive: unchanged },
    )
  ) {
    ports.log.info('batch job started', { incidentId: id, jobId: job.jobId, objects: rows.length });
    return 'started';
  }
  // The sweep changed this re-drive meanwhile (it tripped it): the job runs all the same, so its id goes on the
  // re-drive as it is now, to be seen with "incidents show" rather than lost.
  const now = (await ports.store.get(id))?.redrive;
  const kept =
    now !== undefined &&
    now.startedAt === redrive.startedAt &&
    now.jobId === undefined &&
    (await ports.store.setRedrive(
      id,
      { ...now, ...recorded },
      { expectState: now.state, expectRedrive: unchanged },
    ));
  ports.log.warn('batch job started but the re-drive changed meanwhile', {
    incidentId: id,
    jobId: job.jobId,
    state: now?.state ?? 'none',
    jobIdKept: kept,
  });
  return 'conflict';
}

/** Reads the job's completion report into the objects: failed tasks stay open with their new reason. */
async function readReport(
  ports: BatchJobPorts,
  incident: Incident,
  redrive: RedriveInfo,
  jobId: string,
  report: BatchJobsReport,
): Promise<Step> {
  const id = incident.incidentId;
  const rows = await ports.batch.report(jobId);
  report.requests += 1;
  const marks = new MarkBuffer(ports.store, id);
  const sameCause = new Set<string>();
  let sameCauseRows = 0;
  let succeeded = 0;
  let failed = 0;
  for (const row of rows) {
    if (row.taskStatus === 'succeeded') {
      succeeded += 1;
      await marks.add({ ...identity(row), state: 'redriven' });
      continue;
    }
    failed += 1;
    if (row.errorCode && incident.failureReasons.includes(row.errorCode)) {
      sameCause.add(row.errorCode);
      sameCauseRows += 1;
    }
    await marks.add({ ...identity(row), state: 'failed-again', lastError: describeRow(row) });
  }
  await marks.flush();
  ports.metrics?.refailed(failed);
  const verifying: RedriveInfo = {
    ...redrive,
    state: 'verifying',
    succeeded,
    failed,
    ...(sameCauseRows > 0
      ? {
          jobFailure: `${plural(sameCauseRows, 'object')} failed again in job ${jobId} with the incident's own failure reason (${[...sameCause].join(', ')})`,
        }
      : {}),
  };
  const recorded = await ports.store.setRedrive(id, verifying, {
    expectState: 'running',
    expectRedrive: redrive,
  });
  return recorded ? 'finished' : 'conflict';
}

function describeRow(row: JobReportRow): string {
  const parts = [
    row.errorCode,
    row.httpStatus === undefined ? undefined : `HTTP ${row.httpStatus}`,
    row.resultMessage,
  ];
  const text = parts.filter((part) => part !== undefined && part !== '').join(': ');
  return text || 'the Batch Replication task failed';
}
