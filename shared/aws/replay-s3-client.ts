import { S3Client } from '@aws-sdk/client-s3';
import { createReplayCaller } from './replay-caller.js';
import type { Snapshot } from './snapshot.js';

/**
 * A real `S3Client` whose every command is answered from an account snapshot instead of the network, so
 * code written against the SDK (copy-in-place planning) runs offline, in the demo and in tests, unchanged.
 * Unrecorded calls fail with `NotRecorded`, like every replay.
 */
export function createReplayS3Client(snapshot: Snapshot, region = 'us-east-1'): S3Client {
  const caller = createReplayCaller(snapshot);
  const client = new S3Client({ region, credentials: { accessKeyId: 'replay', secretAccessKey: 'replay' } });
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const command = String(context.commandName ?? '').replace(/Command$/, '');
      const output = await caller.send('S3', command, args.input as Record<string, unknown>, { region });
      return { output: { $metadata: {}, ...output }, response: {} };
    },
    { step: 'initialize', name: 'snapshotReplay', priority: 'high' },
  );
  return client;
}
