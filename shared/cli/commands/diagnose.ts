import type { CountingReads } from '../../aws/index.js';
import { createLiveCaller, createReads, readSnapshotFile, snapshotReads } from '../../aws/index.js';
import { diagnose } from '../../diagnosis/index.js';
import type { Diagnosis } from '../../diagnosis/types.js';
import { renderDiagnosisText } from '../../notify/render-text.js';
import { UsageError } from '../errors.js';
import { type CliIo, readFailures } from '../io.js';

export interface DiagnoseOptions {
  event: string;
  snapshot?: string;
  json: boolean;
  region?: string;
  destinationRole?: string;
}

/** Reads from a snapshot when one is given, otherwise from the live account through the standard credential chain. */
export async function openReads(
  options: { snapshot?: string; region?: string; destinationRole?: string },
  fallbackRegion: string | undefined,
): Promise<CountingReads> {
  if (options.snapshot) return snapshotReads(await readSnapshotFile(options.snapshot));
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? fallbackRegion;
  if (!region) throw new UsageError('no region: pass --region or set AWS_REGION');
  return createReads(
    createLiveCaller({
      region,
      ...(options.destinationRole ? { destinationRoleArn: options.destinationRole } : {}),
    }),
    { sourceRegion: region },
  );
}

export async function runDiagnose(options: DiagnoseOptions, io: CliIo): Promise<number> {
  const { failures, ignored } = await readFailures(options.event);
  for (const reason of ignored) io.err(`skipped a record: ${reason}`);
  const reads = await openReads(options, failures[0]?.awsRegion);
  const diagnoses: Diagnosis[] = [];
  for (const failure of failures) diagnoses.push(await diagnose(failure, reads));

  if (options.json) {
    io.out(JSON.stringify({ diagnoses }, null, 2));
  } else if (diagnoses.length === 0) {
    io.out('No replication failures in this file.');
  } else {
    io.out(diagnoses.map(renderDiagnosisText).join('\n\n'));
  }
  return 0;
}
