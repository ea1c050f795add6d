/**
 * Answers calls from an account snapshot: the first record, in file order, with the same service and command
 * whose input is a subset of the call's input (and whose region, when it names one, is the call's) answers.
 */
import type { AwsCaller, AwsCallOptions, AwsService } from './caller.js';
import { jsonEqual, stableStringify } from './json-values.js';
import { reviveDates } from './sdk-dates.js';
import { createSdkError } from './sdk-error.js';
import type { Snapshot, SnapshotCall } from './snapshot.js';

export interface ReplayCallerOptions {
  /** The region of a call that names none (matters only for records that name a region). */
  region?: string;
}

export function createReplayCaller(snapshot: Snapshot, options: ReplayCallerOptions = {}): AwsCaller {
  return {
    async send(service, command, input, callOptions) {
      const record = findRecord(
        snapshot.calls,
        service,
        command,
        input,
        callOptions?.region ?? options.region,
      );
      if (!record) {
        throw createSdkError({
          name: 'NotRecorded',
          message: `the snapshot has no record for ${service} ${command} ${stableStringify(input)}${
            callOptions?.region ? ` in ${callOptions.region}` : ''
          }`,
        });
      }
      if (record.error) throw createSdkError(record.error);
      // A fresh copy each time: callers may not mutate the snapshot through an answer.
      return reviveDates(structuredClone(record.output));
    },
  };
}

export function findRecord(
  calls: readonly SnapshotCall[],
  service: AwsService,
  command: string,
  input: Record<string, unknown>,
  region: AwsCallOptions['region'],
): SnapshotCall | undefined {
  return calls.find(
    (call) =>
      call.service === service &&
      call.command === command &&
      (call.region === undefined || call.region === region) &&
      isInputSubset(call.input, input),
  );
}

/** Every field the record names is in the input with an equal (JSON) value; other input fields are ignored. */
export function isInputSubset(recorded: Record<string, unknown>, input: Record<string, unknown>): boolean {
  return Object.entries(recorded).every(
    ([field, value]) => input[field] !== undefined && jsonEqual(value, input[field]),
  );
}
