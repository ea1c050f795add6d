/**
 * Fault injection for the drills: AWS errors shaped as each service sends them (throttling, a server fault,
 * a timeout, AccessDenied), an `AwsCaller` that fails exactly one command, an SDK client whose `send` fails
 * chosen commands, and a tally of what was injected so the drills can report their figures.
 */
import type { AwsCaller, AwsService } from '../../shared/aws/caller.js';
import { createSdkError } from '../../shared/aws/sdk-error.js';

export const FAULT_KINDS = ['throttling', 'server-error', 'timeout', 'access-denied'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export const TRANSIENT_KINDS = ['throttling', 'server-error', 'timeout'] as const;

export type FaultService =
  | AwsService
  | 'DynamoDB'
  | 'EventBridge'
  | 'SQS'
  | 'SSM'
  | 'SecretsManager'
  | 'S3Control';

// How each service names its throttling and denial (SDK v3 error names and HTTP statuses).
const THROTTLING: Partial<Record<FaultService, { name: string; status: number }>> = {
  S3: { name: 'SlowDown', status: 503 },
  IAM: { name: 'Throttling', status: 400 },
  STS: { name: 'Throttling', status: 400 },
  Organizations: { name: 'TooManyRequestsException', status: 400 },
  SNS: { name: 'ThrottledException', status: 429 },
  S3Control: { name: 'TooManyRequestsException', status: 400 },
  DynamoDB: { name: 'ProvisionedThroughputExceededException', status: 400 },
  SQS: { name: 'RequestThrottled', status: 403 },
};
const DENIED: Partial<Record<FaultService, { name: string; status: number }>> = {
  S3: { name: 'AccessDenied', status: 403 },
  IAM: { name: 'AccessDenied', status: 403 },
  STS: { name: 'AccessDenied', status: 403 },
  S3Control: { name: 'AccessDenied', status: 403 },
  SQS: { name: 'AccessDenied', status: 403 },
  SNS: { name: 'AuthorizationError', status: 403 },
};

/** What was injected in this test file (each worker has its own). */
export const tally = { faults: 0, inputs: 0 };

export function awsFault(kind: FaultKind, service: FaultService): Error {
  tally.faults += 1;
  switch (kind) {
    case 'throttling': {
      const { name, status } = THROTTLING[service] ?? { name: 'ThrottlingException', status: 400 };
      return createSdkError({ name, message: 'Rate exceeded', httpStatusCode: status });
    }
    case 'server-error':
      return createSdkError({
        name: service === 'S3' ? 'InternalError' : 'InternalFailure',
        message: 'We encountered an internal error. Please try again.',
        httpStatusCode: 500,
      });
    case 'timeout':
      // What the SDK's HTTP handler throws when a socket stays silent past its timeout.
      return Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:443'), {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
      });
    case 'access-denied': {
      const { name, status } = DENIED[service] ?? { name: 'AccessDeniedException', status: 400 };
      return createSdkError({
        name,
        message: 'drill: not authorized to perform this action',
        httpStatusCode: status,
      });
    }
    default: {
      const unknown: never = kind;
      throw new Error(`unknown fault ${String(unknown)}`);
    }
  }
}

export interface FaultPlan {
  kind: FaultKind;
  /** How many matching calls fail before the service recovers; `Infinity` for an outage. */
  times: number;
}

/** A caller that fails every call of one command (`Service:Command`) per the plan and answers the rest. */
export function faultyCaller(
  inner: AwsCaller,
  target: string,
  plan: FaultPlan,
): AwsCaller & { injected: number; calls: string[] } {
  const caller = {
    injected: 0,
    calls: [] as string[],
    async send(...args: Parameters<AwsCaller['send']>) {
      const [service, command] = args;
      const name = `${service}:${command}`;
      caller.calls.push(name);
      if (name === target && caller.injected < plan.times) {
        caller.injected += 1;
        throw awsFault(plan.kind, service);
      }
      return inner.send(...args);
    },
  };
  return caller;
}

/** Records the commands a caller is asked for, in order. */
export function recordingCaller(inner: AwsCaller): AwsCaller & { calls: string[] } {
  const caller = {
    calls: [] as string[],
    send(...args: Parameters<AwsCaller['send']>) {
      caller.calls.push(`${args[0]}:${args[1]}`);
      return inner.send(...args);
    },
  };
  return caller;
}

interface Sending {
  send(command: object, ...rest: unknown[]): Promise<unknown>;
}

/**
 * Wraps an SDK client (a real one, or one pointed at dynalite) so that commands for which `fail` returns a
 * fault throw it instead of being sent; everything else, `instanceof` included, is the real client.
 */
export function faultyClient<T extends Sending>(
  client: T,
  fail: (commandName: string, input: Record<string, unknown>) => Error | undefined,
): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (
        command: { constructor: { name: string }; input?: Record<string, unknown> },
        ...rest: unknown[]
      ) => {
        const fault = fail(command.constructor.name.replace(/Command$/, ''), command.input ?? {});
        if (fault) throw fault;
        return target.send(command, ...rest);
      };
    },
  });
}

export const noWait = async (): Promise<void> => {};

export interface CapturedLog {
  entries: { level: string; message: string; fields: Record<string, unknown> }[];
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

export function captureLog(): CapturedLog {
  const entries: CapturedLog['entries'] = [];
  return {
    entries,
    info: (message, fields) => entries.push({ level: 'info', message, fields }),
    warn: (message, fields) => entries.push({ level: 'warn', message, fields }),
    error: (message, fields) => entries.push({ level: 'error', message, fields }),
  };
}
