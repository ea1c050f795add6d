export {
  type BatchJobConfig,
  type BatchReplication,
  createBatchReplication,
  DEFAULT_JOB_PRIORITY,
  type StartedJob,
  type StartInput,
} from './batch-job.js';
export {
  BatchJobConflictError,
  BatchJobError,
  JobReportFormatError,
  JobReportUnavailableError,
  ManifestRowError,
} from './errors.js';
export {
  JOB_REPORT_FORMAT,
  type JobReportResultFile,
  type JobReportRow,
  parseJobReportCsv,
  parseJobReportManifest,
  type TaskStatus,
} from './job-report.js';
export { type JobProgress, type JobState, readJobProgress } from './job-status.js';
export { encodeManifestKey, type ManifestRow, manifestCsv } from './manifest.js';
