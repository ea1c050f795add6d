/** The completion report fixtures of one finished job (see fixtures/job-report/README.md). */
import { readFileSync } from 'node:fs';

export const REPORT_JOB_ID = '4f9c2a7e-3b1d-4c8e-9a6f-1d2e3c4b5a69';
export const REPORT_BUCKET = 'my-redrive-reports-use1';
export const REPORT_PREFIX = 's3-replication-doctor/reports/0123456789abcdef/1';
export const SUCCEEDED_KEY = `${REPORT_PREFIX}/job-${REPORT_JOB_ID}/results/572ea2faee2f7e9ae50a54bd8cda86ae07fe36cd.csv`;
export const FAILED_KEY = `${REPORT_PREFIX}/job-${REPORT_JOB_ID}/results/b68ffbaa25dea46b8eb43e17d5b12f38622e555f.csv`;

export type ReportFixture = 'manifest.json' | 'succeeded.csv' | 'failed.csv';

export function readReportFixture(name: ReportFixture): string {
  return readFileSync(new URL(`./fixtures/job-report/${name}`, import.meta.url), 'utf8');
}
