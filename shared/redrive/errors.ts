/**
 * What can go wrong around a Batch Replication re-drive. A row that cannot go into a manifest and a report
 * that is not in the documented format are data problems; the rest are S3 or S3 Control failing, thrown with
 * the SDK error as `cause` so the job runner (batchJobs) retries on its next run.
 */

/** A row cannot be written into a Batch Operations CSV manifest as given. */
export class ManifestRowError extends Error {
  override readonly name = 'ManifestRowError';
  /** Zero-based position of the row in the input. */
  readonly index: number;

  constructor(index: number, problem: string, options?: { cause?: unknown }) {
    super(`manifest row ${index}: ${problem}`, options);
    this.index = index;
  }
}

/** A completion report (manifest.json or a result CSV) is not in the documented Report_CSV_20180820 format. */
export class JobReportFormatError extends Error {
  override readonly name = 'JobReportFormatError';
}

/** S3 or S3 Control failed while starting, polling or reading a job. */
export class BatchJobError extends Error {
  override readonly name: string = 'BatchJobError';
}

/**
 * CreateJob saw the token of an earlier start with different parameters: the same incident and attempt
 * was started with another manifest or role. Starting again needs the next attempt number.
 */
export class BatchJobConflictError extends BatchJobError {
  override readonly name = 'BatchJobConflictError';
}

/**
 * The completion report cannot be read yet or at all: the job has not finished, it was created without a
 * report, or S3 wrote none (it writes one only once at least one task ran).
 */
export class JobReportUnavailableError extends BatchJobError {
  override readonly name = 'JobReportUnavailableError';
}
