/**
 * Records the answers an account gives, as a contract snapshot that replays the same answers anywhere.
 * Only the account's answers are kept: throttling, outages and network errors are not (a replay would
 * then throttle forever), and nothing that carries credentials is.
 */
import type { AwsCaller, AwsService } from './caller.js';
import { classifyAwsError } from './classify-error.js';
import { isPlainObject, stableStringify, toJsonValue } from './json-values.js';
import { SNAPSHOT_FORMAT, type Snapshot, type SnapshotCall, type SnapshotError } from './snapshot.js';

export interface RecordingCaller extends AwsCaller {
  /** The calls so far, deduplicated, in an order in which replay answers each as it was answered. */
  snapshot(description?: string): Snapshot;
}

type Answer = { output: Record<string, unknown> } | { error: SnapshotError };

interface CallGroup {
  service: AwsService;
  command: string;
  input: Record<string, unknown>;
  /** The latest answer per region ('' when the call named none). */
  answers: Map<string, Answer>;
}

const CREDENTIAL_COMMANDS = new Set([
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'AssumeRoot',
  'GetSessionToken',
  'GetFederationToken',
]);

export function createRecordingCaller(inner: AwsCaller): RecordingCaller {
  const groups = new Map<string, CallGroup>();

  function remember(
    service: AwsService,
    command: string,
    input: Record<string, unknown>,
    region: string,
    answer: Answer,
  ) {
    const recordedInput = toJsonValue(input);
    const key = stableStringify([service, command, recordedInput]);
    let group = groups.get(key);
    if (!group) {
      group = {
        service,
        command,
        input: isPlainObject(recordedInput) ? recordedInput : {},
        answers: new Map(),
      };
      groups.set(key, group);
    }
    // The latest answer wins: it is the account as it is now.
    group.answers.delete(region);
    group.answers.set(region, answer);
  }

  return {
    async send(service, command, input, options) {
      const region = options?.region ?? '';
      let output: Record<string, unknown>;
      try {
        output = await inner.send(service, command, input, options);
      } catch (error) {
        const classified = classifyAwsError(error);
        const isAnswer =
          classified.class === 'absent' || classified.class === 'not-found' || classified.class === 'denied';
        if (isAnswer && classified.name !== 'NotRecorded') {
          remember(service, command, input, region, {
            error: {
              name: classified.name,
              message: classified.message,
              ...(classified.httpStatusCode === undefined
                ? {}
                : { httpStatusCode: classified.httpStatusCode }),
            },
          });
        }
        throw error;
      }
      if (!(service === 'STS' && CREDENTIAL_COMMANDS.has(command)) && !('Credentials' in output)) {
        const { $metadata: _metadata, ...rest } = output;
        const json = toJsonValue(rest);
        remember(service, command, input, region, { output: isPlainObject(json) ? json : {} });
      }
      return output;
    },

    snapshot(description) {
      const records: SnapshotCall[] = [];
      for (const group of groups.values()) records.push(...recordsOf(group));
      return {
        format: SNAPSHOT_FORMAT,
        ...(description === undefined ? {} : { description }),
        calls: orderForReplay(records),
      };
    },
  };
}

/**
 * One record when every region gave the same answer (a replay then answers whichever client asks);
 * one record per region only where regions disagree (an alias such as `alias/aws/s3` names a different key
 * in each region).
 */
function recordsOf(group: CallGroup): SnapshotCall[] {
  const base = { service: group.service, command: group.command, input: group.input };
  const answers = [...group.answers.entries()];
  const distinct = new Set(answers.map(([, answer]) => stableStringify(answer)));
  if (distinct.size <= 1) {
    const first = answers[0];
    return first ? [{ ...base, ...first[1] } as SnapshotCall] : [];
  }
  const regional = answers.filter(([region]) => region !== '');
  const unnamed = answers.filter(([region]) => region === '');
  return [
    ...regional.map(([region, answer]) => ({ ...base, region, ...answer }) as SnapshotCall),
    ...unnamed.map(([, answer]) => ({ ...base, ...answer }) as SnapshotCall),
  ];
}

/**
 * Replay answers with the first record whose input is a subset of the call's. A record with fewer input
 * fields would answer for a more specific call (page 1 of a list for page 2, which names a `Marker`), so
 * within a command the records with more input fields come first.
 */
function orderForReplay(records: SnapshotCall[]): SnapshotCall[] {
  const firstSeen = new Map<string, number>();
  records.forEach((record, index) => {
    const command = `${record.service}:${record.command}`;
    if (!firstSeen.has(command)) firstSeen.set(command, index);
  });
  return records
    .map((record, index) => ({
      record,
      index,
      group: firstSeen.get(`${record.service}:${record.command}`) ?? index,
    }))
    .sort(
      (a, b) =>
        a.group - b.group ||
        Object.keys(b.record.input).length - Object.keys(a.record.input).length ||
        a.index - b.index,
    )
    .map(({ record }) => record);
}
