/**
 * Checks a value against the fixed diagnosis contract (`diagnose --json`): required fields, their types, the
 * enumerations of `location`/`problem`/`verdict`/`action`, and the rules that tie them together.
 * Returns every violation found, as `path: what is wrong`; an empty list means the value conforms.
 */
import { LOCATIONS, PROBLEMS } from '../../shared/diagnosis/types.js';

const VERDICTS = ['root-cause-found', 'no-cause-found', 'inconclusive', 'no-action-needed'];
const ACTIONS = ['notify', 'retrigger', 'ignore'];
/** `service:Action`, e.g. `s3:ReplicateObject`, `kms:GenerateDataKey`. */
const IAM_ACTION = /^[a-z0-9-]+:[A-Za-z0-9*]+$/;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function validateDiagnosis(value: unknown): string[] {
  const errors: string[] = [];
  const fail = (path: string, problem: string): void => {
    errors.push(`${path}: ${problem}`);
  };
  const requireString = (holder: JsonObject, field: string, path: string, optional = false): void => {
    const fieldValue = holder[field];
    if (fieldValue === undefined && optional) return;
    if (typeof fieldValue !== 'string' || fieldValue.length === 0)
      fail(`${path}.${field}`, 'must be a non-empty string');
  };

  if (!isObject(value)) return ['diagnosis: must be an object'];

  const failure = value.failure;
  if (!isObject(failure)) {
    fail('failure', 'must be an object');
  } else {
    for (const field of ['eventName', 'sourceBucket', 'key', 'ruleId', 'destinationBucket']) {
      requireString(failure, field, 'failure');
    }
    requireString(failure, 'versionId', 'failure', true);
    requireString(failure, 'failureReason', 'failure', true);
    if (typeof failure.destinationBucket === 'string' && failure.destinationBucket.startsWith('arn:')) {
      fail('failure.destinationBucket', 'must be the bucket name, not its ARN');
    }
  }

  if (!VERDICTS.includes(value.verdict as string)) fail('verdict', `must be one of ${VERDICTS.join(', ')}`);
  if (!ACTIONS.includes(value.action as string)) fail('action', `must be one of ${ACTIONS.join(', ')}`);

  const causes = Array.isArray(value.causes) ? value.causes : undefined;
  if (causes === undefined) fail('causes', 'must be an array');
  causes?.forEach((cause: unknown, index) => {
    validateCause(cause, `causes[${index}]`, fail, requireString);
  });

  const inconclusive = Array.isArray(value.inconclusive) ? value.inconclusive : undefined;
  if (inconclusive === undefined) fail('inconclusive', 'must be an array');
  inconclusive?.forEach((entry: unknown, index) => {
    const path = `inconclusive[${index}]`;
    if (!isObject(entry)) {
      fail(path, 'must be an object');
      return;
    }
    requireString(entry, 'check', path);
    requireString(entry, 'why', path);
  });

  if (causes !== undefined && inconclusive !== undefined) {
    switch (value.verdict) {
      case 'root-cause-found':
        if (causes.length === 0) fail('verdict', 'root-cause-found needs at least one cause');
        break;
      case 'no-cause-found':
        if (causes.length > 0) fail('verdict', 'no-cause-found must list no causes');
        if (inconclusive.length > 0)
          fail('verdict', 'no-cause-found means every check ran; inconclusive must be empty');
        break;
      case 'inconclusive':
        if (causes.length > 0)
          fail('verdict', 'inconclusive must list no causes (a cause makes it root-cause-found)');
        if (inconclusive.length === 0) fail('verdict', 'inconclusive must say which checks could not run');
        break;
      default:
        break;
    }
  }
  const transientOnly =
    causes !== undefined &&
    causes.length > 0 &&
    causes.every((cause) => isObject(cause) && cause.location === 'transient');
  if (value.action === 'retrigger' && value.verdict !== 'no-cause-found' && !transientOnly) {
    fail('action', 'retrigger is only for a cause that is gone or transient');
  }
  return errors;
}

function validateCause(
  cause: unknown,
  path: string,
  fail: (path: string, problem: string) => void,
  requireString: (holder: JsonObject, field: string, path: string, optional?: boolean) => void,
): void {
  if (!isObject(cause)) {
    fail(path, 'must be an object');
    return;
  }
  if (!(LOCATIONS as readonly unknown[]).includes(cause.location)) {
    fail(`${path}.location`, `${JSON.stringify(cause.location)} is not a contract location`);
  }
  if (!(PROBLEMS as readonly unknown[]).includes(cause.problem)) {
    fail(`${path}.problem`, `${JSON.stringify(cause.problem)} is not a contract problem`);
  }
  const actions = cause.missingActions;
  if (!Array.isArray(actions) || actions.some((action) => typeof action !== 'string')) {
    fail(`${path}.missingActions`, 'must be an array of strings');
  } else {
    for (const action of actions as string[]) {
      if (!IAM_ACTION.test(action))
        fail(`${path}.missingActions`, `${JSON.stringify(action)} is not service:Action`);
    }
    const sorted = [...(actions as string[])].sort();
    if (sorted.some((action, index) => action !== actions[index]))
      fail(`${path}.missingActions`, 'must be sorted');
    if (new Set(actions).size !== actions.length) fail(`${path}.missingActions`, 'must not repeat an action');
    if (
      (cause.problem === 'action-not-allowed' || cause.problem === 'explicit-deny') &&
      actions.length === 0
    ) {
      fail(`${path}.missingActions`, `must name the actions for ${String(cause.problem)}`);
    }
  }
  requireString(cause, 'principal', path, true);
  requireString(cause, 'resource', path, true);
  requireString(cause, 'summary', path);
  const fix = cause.fix;
  if (!isObject(fix)) {
    fail(`${path}.fix`, 'must be an object');
  } else {
    requireString(fix, 'summary', `${path}.fix`);
    if (!Array.isArray(fix.commands) || fix.commands.some((command) => typeof command !== 'string')) {
      fail(`${path}.fix.commands`, 'must be an array of strings');
    }
    if (fix.policyStatement !== undefined) {
      const statement = fix.policyStatement;
      if (!isObject(statement) || (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')) {
        fail(`${path}.fix.policyStatement`, 'must be a policy statement with Effect Allow or Deny');
      }
    }
  }
  if (cause.evidence !== undefined) {
    if (!Array.isArray(cause.evidence) || cause.evidence.some((line) => typeof line !== 'string')) {
      fail(`${path}.evidence`, 'must be an array of strings when present');
    }
  }
}
