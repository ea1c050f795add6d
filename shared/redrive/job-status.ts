/** What a Batch Operations job's DescribeJob status means for the job runner (batchJobs) that follows it. */
import type { JobDescriptor, JobFailure, JobStatus } from '@aws-sdk/client-s3-control';

export type JobState = 'running' | 'complete' | 'failed' | 'cancelled';

export interface JobProgress {
  state: JobState;
  total?: number;
  succeeded?: number;
  failed?: number;
  reason?: string;
}

export function readJobProgress(job: JobDescriptor): JobProgress {
  const summary = job.ProgressSummary;
  const numbers = {
    ...(summary?.TotalNumberOfTasks === undefined ? {} : { total: summary.TotalNumberOfTasks }),
    ...(summary?.NumberOfTasksSucceeded === undefined ? {} : { succeeded: summary.NumberOfTasksSucceeded }),
    ...(summary?.NumberOfTasksFailed === undefined ? {} : { failed: summary.NumberOfTasksFailed }),
  };
  const { state, reason } = mapStatus(job);
  return { state, ...numbers, ...(reason ? { reason } : {}) };
}

function mapStatus(job: JobDescriptor): { state: JobState; reason?: string | undefined } {
  const status: JobStatus | undefined = job.Status;
  if (status === undefined) return { state: 'running', reason: 'S3 reported no job status yet' };
  switch (status) {
    case 'New':
    case 'Preparing':
    case 'Ready':
    case 'Active':
    case 'Pausing':
    case 'Paused':
    case 'Completing':
      return { state: 'running' };
    case 'Suspended':
      // Only jobs that require confirmation wait here; ours are created without, so say why S3 holds it.
      return { state: 'running', reason: job.SuspendedCause };
    case 'Failing':
      // Still settling: the report is written once it reaches Failed.
      return { state: 'running', reason: describeFailures(job) };
    case 'Cancelling':
      return { state: 'running', reason: job.StatusUpdateReason };
    case 'Complete':
      return { state: 'complete' };
    case 'Failed':
      return { state: 'failed', reason: describeFailures(job) ?? 'S3 gave no failure reason' };
    case 'Cancelled':
      return { state: 'cancelled', reason: job.StatusUpdateReason };
    default: {
      const unknown: never = status;
      return {
        state: 'running',
        reason: `S3 reported job status "${String(unknown)}", which is not known here`,
      };
    }
  }
}

function describeFailures(job: JobDescriptor): string | undefined {
  const failures = (job.FailureReasons ?? []).map(describeFailure).filter((text) => text !== '');
  return failures.length > 0 ? failures.join('; ') : job.StatusUpdateReason;
}

function describeFailure(failure: JobFailure): string {
  return [failure.FailureCode, failure.FailureReason].filter(Boolean).join(': ');
}
