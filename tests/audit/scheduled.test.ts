import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStateStore } from '../../shared/audit/audit-state.js';
import { runScheduledAudit } from '../../shared/audit/scheduled.js';
import type { Notification } from '../../shared/notify/notification.js';
import type { NotifyOutcome } from '../../shared/pipeline/act-on-diagnoses.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { type SnapshotBuilder, seedSnapshot } from '../support/snapshot-builder.js';
import { auditOf, auditSnapshot, notEnrolledNotifications } from './audit-fixtures.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

function fakeNotifier(outcome: NotifyOutcome = { delivered: ['sns'], failed: [] }) {
  const sent: Notification[] = [];
  return {
    sent,
    notify: async (notification: Notification) => {
      sent.push(notification);
      return outcome;
    },
  };
}

const withoutMetrics = (builder: SnapshotBuilder) =>
  builder.rule((rule) => {
    delete rule.Destination.Metrics;
  });

async function scheduledRun(builder: SnapshotBuilder, table: string, notifier = fakeNotifier()) {
  const result = await runScheduledAudit({
    audit: () => auditOf(auditSnapshot(builder, 'scheduled')),
    state: createAuditStateStore(dynamo.doc, table),
    notify: notifier.notify,
    mode: 'plan',
  });
  return { result, sent: notifier.sent };
}

describe('scheduled audit', () => {
  it('notifies a new problem once, and not again while it persists', async () => {
    const table = await dynamo.createLedgerTable();
    const broken = () => seedSnapshot().crossAccount({ bucketPolicy: 'none' });

    const first = await scheduledRun(broken(), table);
    const second = await scheduledRun(broken(), table);

    expect(first.result).toMatchObject({ newProblems: 1, fixed: 0, notifications: 1 });
    const [notice] = first.sent;
    expect(notice?.title).toBe(
      'Replication audit: 1 new problem — my-source-bucket-use1 → my-destination-bucket-euw1, rule DR-Replication-Rule',
    );
    expect(notice?.severity).toBe('critical');
    expect(notice?.causes.map((cause) => `${cause.location} / ${cause.problem}`)).toEqual([
      'destination-bucket-policy / action-not-allowed',
    ]);
    expect(second.result).toMatchObject({ problems: 1, newProblems: 0, notifications: 0 });
    expect(second.sent).toEqual([]);
  });

  it('sends a fixed line for a problem gone since the last run', async () => {
    const table = await dynamo.createLedgerTable();
    await scheduledRun(seedSnapshot().crossAccount({ bucketPolicy: 'none' }), table);

    const { result, sent } = await scheduledRun(seedSnapshot().crossAccount(), table);

    expect(result).toMatchObject({ problems: 0, newProblems: 0, fixed: 1 });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.severity).toBe('info');
    expect(sent[0]?.notes).toEqual([
      'Fixed since the last audit: my-source-bucket-use1 → my-destination-bucket-euw1, rule DR-Replication-Rule: destination-bucket-policy / action-not-allowed (s3:ReplicateDelete, s3:ReplicateObject)',
    ]);
  });

  it('notifies only the new problem when another one is already known, with gaps and their fixes in the notes', async () => {
    const table = await dynamo.createLedgerTable();
    await scheduledRun(seedSnapshot().crossAccount({ bucketPolicy: 'none' }), table);

    const { result, sent } = await scheduledRun(
      withoutMetrics(seedSnapshot().crossAccount({ bucketPolicy: 'none' })),
      table,
    );

    expect(result).toMatchObject({ problems: 2, newProblems: 1 });
    expect(sent[0]?.causes).toEqual([]);
    expect(sent[0]?.severity).toBe('warning');
    expect(sent[0]?.notes[0]).toMatch(/^Setup gap metrics-off: .*put-bucket-replication/);
  });

  it('does not call a known problem fixed when the rule could not be fully checked this time', async () => {
    const table = await dynamo.createLedgerTable();
    await scheduledRun(withoutMetrics(seedSnapshot()), table);

    const unreadable = withoutMetrics(seedSnapshot()).denyRead('S3', 'GetBucketReplication');
    const { result, sent } = await scheduledRun(unreadable, table);
    const after = await scheduledRun(withoutMetrics(seedSnapshot()), table);

    expect(result).toMatchObject({ fixed: 0, notifications: 0 });
    expect(sent).toEqual([]);
    expect(after.result).toMatchObject({ newProblems: 0, notifications: 0 });
  });

  it('notifies a gap again when it reappears after being fixed while an unrelated probe was inconclusive', async () => {
    const table = await dynamo.createLedgerTable();
    const run = (builder: SnapshotBuilder, enrolled: boolean) =>
      runScheduledAudit({
        audit: () =>
          auditOf(
            auditSnapshot(
              builder,
              'scheduled',
              enrolled ? {} : { notifications: notEnrolledNotifications() },
            ),
          ),
        state: createAuditStateStore(dynamo.doc, table),
        notify: fakeNotifier().notify,
        mode: 'plan',
      });
    await run(seedSnapshot(), false);

    const fixed = await run(seedSnapshot().denyRead('S3', 'GetBucketPolicy'), true);
    const reappeared = await run(seedSnapshot(), false);

    expect(fixed).toMatchObject({ inconclusive: 1, fixed: 1 });
    expect(reappeared).toMatchObject({ newProblems: 1, notifications: 1 });
  });

  it('keeps a problem new when its notice reached no channel, so the next run sends it again', async () => {
    const table = await dynamo.createLedgerTable();
    const down = fakeNotifier({
      delivered: [],
      failed: [{ channel: 'sns', error: 'Throttled', permanent: false }],
    });

    const failed = await scheduledRun(withoutMetrics(seedSnapshot()), table, down);
    const retried = await scheduledRun(withoutMetrics(seedSnapshot()), table);

    expect(failed.result.undelivered).toHaveLength(1);
    expect(retried.result).toMatchObject({ newProblems: 1, notifications: 1 });
  });

  it('stores the problem signatures under pk AUDIT, sk LATEST', async () => {
    const table = await dynamo.createLedgerTable();
    await scheduledRun(withoutMetrics(seedSnapshot()), table);

    const state = await createAuditStateStore(dynamo.doc, table).load();

    expect(state?.auditedAt).toBe('2024-10-01T08:00:00.000Z');
    expect(state?.problems).toEqual([
      expect.objectContaining({
        bucket: 'my-source-bucket-use1',
        ruleId: 'DR-Replication-Rule',
        signature: JSON.stringify(['my-source-bucket-use1', 'DR-Replication-Rule', 'gap', 'metrics-off']),
      }),
    ]);
  });
});
