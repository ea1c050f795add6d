import { type JobDescriptor, JobStatus } from '@aws-sdk/client-s3-control';
import { describe, expect, it } from 'vitest';
import { type JobState, readJobProgress } from '../../shared/redrive/job-status.js';

const EXPECTED: Record<JobStatus, JobState> = {
  New: 'running',
  Preparing: 'running',
  Suspended: 'running',
  Ready: 'running',
  Active: 'running',
  Pausing: 'running',
  Paused: 'running',
  Completing: 'running',
  Cancelling: 'running',
  Failing: 'running',
  Complete: 'complete',
  Failed: 'failed',
  Cancelled: 'cancelled',
};

describe('what a job status means for the sweep', () => {
  it('knows every status the SDK can return', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.values(JobStatus).sort());
  });

  it.each(Object.entries(EXPECTED))('maps %s to %s', (status, state) => {
    expect(readJobProgress({ Status: status as JobStatus }).state).toBe(state);
  });

  it('reports the task counts of the progress summary', () => {
    // Prepare
    const job: JobDescriptor = {
      Status: 'Complete',
      ProgressSummary: {
        TotalNumberOfTasks: 100_000,
        NumberOfTasksSucceeded: 99_998,
        NumberOfTasksFailed: 2,
      },
    };

    // Act / Assess
    expect(readJobProgress(job)).toEqual({ state: 'complete', total: 100_000, succeeded: 99_998, failed: 2 });
  });

  it('keeps a zero count', () => {
    expect(
      readJobProgress({
        Status: 'Active',
        ProgressSummary: { TotalNumberOfTasks: 5, NumberOfTasksSucceeded: 0 },
      }),
    ).toEqual({ state: 'running', total: 5, succeeded: 0 });
  });

  it('gives the failure reasons of a failed job', () => {
    // Prepare
    const job: JobDescriptor = {
      Status: 'Failed',
      FailureReasons: [
        { FailureCode: 'ManifestETagMismatch', FailureReason: 'The manifest ETag does not match' },
        { FailureReason: 'Task failure threshold exceeded' },
      ],
    };

    // Act / Assess
    expect(readJobProgress(job)).toEqual({
      state: 'failed',
      reason: 'ManifestETagMismatch: The manifest ETag does not match; Task failure threshold exceeded',
    });
  });

  it('falls back to the status update reason, then to a plain statement, for a failed job', () => {
    expect(readJobProgress({ Status: 'Failed', StatusUpdateReason: 'Job failed' }).reason).toBe('Job failed');
    expect(readJobProgress({ Status: 'Failed' }).reason).toBe('S3 gave no failure reason');
  });

  it('says why a job is cancelled or suspended', () => {
    expect(readJobProgress({ Status: 'Cancelled', StatusUpdateReason: 'Cancelled by user' })).toEqual({
      state: 'cancelled',
      reason: 'Cancelled by user',
    });
    expect(readJobProgress({ Status: 'Suspended', SuspendedCause: 'AwaitingConfirmation' }).reason).toBe(
      'AwaitingConfirmation',
    );
  });

  it('keeps polling a job whose status is missing or unknown, saying so', () => {
    expect(readJobProgress({})).toEqual({ state: 'running', reason: 'S3 reported no job status yet' });
    expect(readJobProgress({ Status: 'Hibernating' as JobStatus })).toEqual({
      state: 'running',
      reason: 'S3 reported job status "Hibernating", which is not known here',
    });
  });
});
