import { writeFile } from 'node:fs/promises';
import { createLiveCaller, createReads, createRecordingCaller } from '../../aws/index.js';
import { diagnose } from '../../diagnosis/index.js';
import { UsageError } from '../errors.js';
import { type CliIo, readFailures } from '../io.js';

export interface SnapshotOptions {
  event: string;
  out: string;
  description?: string;
  region?: string;
  destinationRole?: string;
}

/**
 * Records, from the live account, every read a diagnosis of the event makes, as an account snapshot
 * (`diagnose --snapshot` replays it anywhere). Credentials are never recorded.
 */
export async function runSnapshot(options: SnapshotOptions, io: CliIo): Promise<number> {
  const { failures } = await readFailures(options.event);
  if (failures.length === 0)
    throw new UsageError(`no replication failure in ${options.event} to record a snapshot for`);
  const region = options.region ?? process.env.AWS_REGION ?? failures[0]?.awsRegion;
  if (!region) throw new UsageError('no region: pass --region or set AWS_REGION');
  const recorder = createRecordingCaller(
    createLiveCaller({
      region,
      ...(options.destinationRole ? { destinationRoleArn: options.destinationRole } : {}),
    }),
  );
  const reads = createReads(recorder, { sourceRegion: region });
  for (const failure of failures) await diagnose(failure, reads);
  const snapshot = recorder.snapshot(
    options.description ?? `recorded for ${failures.length} failure(s) from ${options.event}`,
  );
  await writeFile(options.out, `${JSON.stringify(snapshot, null, 2)}\n`);
  io.err(`wrote ${snapshot.calls.length} recorded calls to ${options.out}`);
  return 0;
}
