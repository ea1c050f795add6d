import { createReads, createReplayCaller } from '../shared/aws/index.js';
import { diagnose } from '../shared/diagnosis/index.js';
import { parseEvents } from '../shared/events/index.js';
import { startDynalite } from '../tests/support/dynalite.js';
import { loadScenario, runStorm, type StormCounts } from '../tests/support/storm.js';
import type { Section } from './lib/report.js';

/** Five different broken setups; over ten source buckets each they make 50 distinct causes. */
const CAUSES = [
  'cross-account-destination-bucket-policy-missing',
  'role-policy-resource-on-bucket-arn',
  'destination-versioning-suspended',
  'permissions-boundary-lacks-replicate-object',
  'sse-kms-destination-key-policy-lacks-role',
];

/** AWS reads of one uncached diagnosis of a scenario: what a naive design pays for every event. */
async function readsOfOneDiagnosis(name: string): Promise<number> {
  const { event, snapshot } = loadScenario(name);
  const [record] = parseEvents(event);
  if (record?.kind !== 'failure') throw new Error(`no failure in ${name}`);
  const reads = createReads(createReplayCaller(snapshot), { cacheTtlMs: 0 });
  await diagnose(record.failure, reads);
  return reads.stats().calls;
}

function row(
  label: string,
  records: number,
  counts: StormCounts,
  naiveReads: number,
  causes: number,
): string[][] {
  const notifications = counts.openingNotices + counts.slackEdits + counts.otherNotifications;
  const perSecond = Math.round(records / (counts.elapsedMs / 1000));
  return [
    [
      `${label}: this system`,
      perSecond.toLocaleString('en'),
      counts.awsReads.toLocaleString('en'),
      `${counts.dynamoItemsWritten.toLocaleString('en')} (${counts.dynamoRequests.toLocaleString('en')} requests)`,
      `${notifications} (${counts.openingNotices} opened, ${counts.slackEdits} Slack edits)`,
    ],
    [
      `${label}: naive, computed`,
      '-',
      naiveReads.toLocaleString('en'),
      `${records.toLocaleString('en')} (one item per event)`,
      `${records.toLocaleString('en')} (one per event; ${causes} causes)`,
    ],
  ];
}

export async function benchStormIncidents(records = 100_000): Promise<Section> {
  const dynamo = await startDynalite();
  try {
    const oneCause = await runStorm({ dynamo, records, causes: [CAUSES[0] as string] });
    const reads = await Promise.all(CAUSES.map(readsOfOneDiagnosis));
    const fifty = CAUSES.flatMap((scenario, s) =>
      Array.from({ length: 10 }, (_, b) => ({ scenario, sourceBucket: `my-source-bucket-use1-${s}${b}` })),
    );
    const fiftyCauses = await runStorm({ dynamo, records, causes: fifty });
    const perCause = records / fifty.length;
    const naiveFifty = fifty.reduce(
      (sum, cause) => sum + perCause * (reads[CAUSES.indexOf(cause.scenario)] ?? 0),
      0,
    );
    return {
      title: `Storms of ${records.toLocaleString('en')} failures through the real diagnose and act code`,
      about:
        'Records in diagnosis batches of 100 (diagnose function, 30 s read cache) then act batches of 500 (incident store and ' +
        'ledger on dynalite), with simulated time; records/s is this machine’s CPU and dynalite, so compare rows, not machines. ' +
        'Naive: one uncached diagnosis, one ledger item and one message per event.',
      header: ['storm', 'records/s', 'AWS reads', 'DynamoDB items written', 'notifications'],
      rows: [
        ...row('1 cause', records, oneCause.counts, records * (reads[0] ?? 0), 1),
        ...row('50 causes', records, fiftyCauses.counts, naiveFifty, 50),
      ],
      notes: [
        'AWS reads: the shared reads of a diagnosis (role, policies, buckets, keys) once per 30-second cache period, plus one ' +
          'object read per batch of 100 for its representative failure; every other failure of the batch shares that diagnosis.',
        'Items written include the failure ledger (one item per object: re-driving is O(failures), never a bucket scan) ' +
          'and one incident update per act batch; an object item is under 1 KB (one write unit), the incident item a few KB.',
      ],
    };
  } finally {
    await dynamo.stop();
  }
}
