/** The audit's snapshot files (for `audit --snapshot`, the README and CI examples), built from the seed setup. */
import type { AccountSnapshot } from '../support/snapshot-builder.js';
import { seedSnapshot } from '../support/snapshot-builder.js';
import { auditSnapshot, notEnrolledNotifications } from './audit-fixtures.js';

export const AUDIT_FIXTURES: Record<string, () => AccountSnapshot> = {
  'seed-healthy': () => auditSnapshot(seedSnapshot(), 'the seed setup (AWS CRR guide), enrolled: healthy'),
  'seed-cross-account-no-bucket-policy': () =>
    auditSnapshot(
      seedSnapshot().crossAccount({ bucketPolicy: 'none' }),
      'cross-account seed setup without the destination bucket policy',
    ),
  'seed-gaps': () =>
    auditSnapshot(
      seedSnapshot().rule((rule) => {
        delete rule.Destination.Metrics;
      }),
      'seed setup with replication metrics off, not enrolled',
      { notifications: notEnrolledNotifications() },
    ),
};
