/**
 * A local Serverless plugin that checks the deployment parameters before anything is packaged or deployed,
 * so a typo fails `sls package` / `sls deploy` with the parameter's name instead of a stack that
 * CloudFormation rolls back minutes later (or, worse, one that deploys and silently does the wrong thing).
 *
 * The values come from `custom.deploymentParameters` in serverless.yml, where each is `${param:<name>}`: the
 * framework has resolved them (CLI `--param`, stage params, defaults) by the time the hooks run, the same way
 * in osls and Serverless v4.
 *
 * Plain ESM JavaScript with no dependency: the framework loads it as is, and the tests import it.
 */

const POSITIVE_INTEGER = /^[1-9]\d{0,8}$/;
const NON_NEGATIVE_INTEGER = /^(0|[1-9]\d{0,8})$/;
const ACCOUNT_ID = /^\d{12}$/;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
// Secret references as the notify code reads them: `ssm:<name or ARN>` or
// `secretsmanager:<name or ARN>[#json-field]`. The character sets are each store's own; no `*` or `?`, which
// would turn the function's read permission on that one secret into a wildcard.
const SSM_REF = /^ssm:(\/?[\w.-]+(\/[\w.-]+)*|arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[\w./-]+)$/;
const SECRETS_MANAGER_REF =
  /^secretsmanager:([\w/+=.@-]+|arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+)(#[^#\s]+)?$/;
const SLACK_CHANNEL = /^#?[\w.-]{1,80}$/;
const FAILURE_REASON_LIST = /^(\*|[A-Za-z]+(,[A-Za-z]+)*)$/;
// EventBridge schedules: `rate(1 minute)` (singular for 1, plural otherwise) or a 6-field `cron(...)`.
const RATE = /^rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)$/;
const CRON = /^cron\(\S+( \S+){5}\)$/;

/** The parameters that hold several values, comma-separated without spaces. */
const list = (value) => (value === '' ? [] : value.split(','));

/**
 * A general purpose bucket name (S3 User Guide, "General purpose bucket naming rules"): 3-63 characters of
 * lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit, no two adjacent
 * dots, not an IP address, and none of the prefixes and suffixes S3 reserves.
 */
export function isBucketName(name) {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)
  );
}

const positiveInteger = (value) => (POSITIVE_INTEGER.test(value) ? undefined : 'is not a positive integer');
const nonNegativeInteger = (value) =>
  NON_NEGATIVE_INTEGER.test(value) ? undefined : 'is not a whole number of 0 or more';
const schedule = (value) =>
  RATE.test(value) || CRON.test(value)
    ? undefined
    : 'is not an EventBridge schedule: rate(<n> minutes|hours|days) (singular for 1) or cron(<6 fields>)';
const secretRef = (value) =>
  value === '' || SSM_REF.test(value) || SECRETS_MANAGER_REF.test(value)
    ? undefined
    : 'is not a secret reference: ssm:<parameter name or ARN> or secretsmanager:<secret name or ARN>[#json-field] (never the secret itself)';

/**
 * Each parameter the stack takes and what makes its value wrong (a reason) or right (undefined). Every
 * parameter under `params.default` in serverless.yml has a rule here; a test keeps the two lists equal.
 */
export const PARAMETER_RULES = {
  sourceBuckets: (value) => {
    const bad = list(value).filter((name) => !isBucketName(name));
    return bad.length === 0
      ? undefined
      : `holds ${bad.map((name) => JSON.stringify(name)).join(', ')}, not a bucket name (comma-separated, no spaces)`;
  },
  sourceAccounts: (value) =>
    list(value).every((id) => ACCOUNT_ID.test(id))
      ? undefined
      : 'is not a comma-separated list of 12-digit account IDs without spaces',
  mode: (value) => (value === 'plan' || value === 'auto' ? undefined : 'is neither plan nor auto'),
  destinationReadRoleArn: (value) =>
    value === '' || ROLE_ARN.test(value)
      ? undefined
      : 'is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
  alarmEmail: (value) => (value === '' || EMAIL.test(value) ? undefined : 'is not one email address'),
  notificationEmails: (value) => {
    const addresses = list(value);
    if (!addresses.every((address) => EMAIL.test(address)))
      return 'is not a comma-separated list of email addresses without spaces';
    // The stack subscribes up to 3 through conditions; a 4th would be silently left out.
    return addresses.length <= 3
      ? undefined
      : `names ${addresses.length} addresses; the stack subscribes up to 3 (subscribe more to the NotificationTopicArn output with aws sns subscribe)`;
  },
  slackSecret: secretRef,
  slackChannel: (value) =>
    value === '' || SLACK_CHANNEL.test(value) ? undefined : 'is not a Slack channel ID or name',
  webhookSecret: secretRef,
  autoRetrigger: (value) =>
    value === '' || FAILURE_REASON_LIST.test(value)
      ? undefined
      : 'is not "*" or a comma-separated list of failure reasons without spaces',
  maxCopiesPerObject: positiveInteger,
  copyRatePerSecond: positiveInteger,
  sweepSchedule: schedule,
  // 0 is meaningful: every incident is re-driven by a Batch Replication job.
  copyThreshold: nonNegativeInteger,
  slackUpdateIntervalSeconds: nonNegativeInteger,
  digestIntervalSeconds: nonNegativeInteger,
  spotCheck: positiveInteger,
  auditSchedule: schedule,
};

/** A wrong value here may be the secret itself (a token pasted in place of its reference): never echoed. */
const SECRET_REFERENCES = new Set(['slackSecret', 'webhookSecret']);

/**
 * Checks every parameter and returns each problem as `<name>: <reason>`. Warnings are settings that may be
 * right but often are not.
 */
export function validateParameters(values) {
  const errors = [];
  for (const [name, rule] of Object.entries(PARAMETER_RULES)) {
    const value = values[name];
    if (value === undefined || value === null) {
      errors.push(`${name}: is missing`);
      continue;
    }
    const reason = rule(String(value));
    if (!reason) continue;
    const shown = SECRET_REFERENCES.has(name) ? 'the value' : JSON.stringify(String(value));
    errors.push(`${name}: ${shown} ${reason}`);
  }
  const warnings = [];
  // An incoming-webhook URL needs no channel, a bot token does; which one the secret holds is unknown here.
  if (values.slackSecret && !values.slackChannel)
    warnings.push(
      'slackChannel: empty while slackSecret is set; right for a Slack incoming-webhook URL, but a bot token (xoxb-) needs it',
    );
  if (values.slackChannel && !values.slackSecret)
    warnings.push('slackChannel: set without slackSecret, so nothing is posted to Slack');
  return { errors, warnings };
}

export function formatErrors(errors) {
  return [
    `Invalid deployment parameter${errors.length > 1 ? 's' : ''}:`,
    ...errors.map((error) => `  - ${error}`),
    'Set a parameter with --param="<name>=<value>" or under params in serverless.yml.',
  ].join('\n');
}

export default class ValidateParametersPlugin {
  constructor(serverless, _options, utils) {
    this.serverless = serverless;
    this.log = utils?.log;
    this.checked = false;
    const check = () => this.check();
    // Before the package step clears the previous package, so a wrong value leaves that one in place.
    // `deploy` packages first (the first hook); `deploy --package <dir>` skips packaging (the second).
    this.hooks = { 'before:package:cleanup': check, 'before:deploy:deploy': check };
  }

  check() {
    if (this.checked) return;
    const values = this.serverless.service.custom?.deploymentParameters;
    if (!values || typeof values !== 'object')
      throw new this.serverless.classes.Error('custom.deploymentParameters is missing from serverless.yml');
    const { errors, warnings } = validateParameters(values);
    for (const warning of warnings) {
      if (this.log?.warning) this.log.warning(warning);
      else this.serverless.cli.log(`Warning: ${warning}`);
    }
    if (errors.length > 0) throw new this.serverless.classes.Error(formatErrors(errors));
    this.checked = true;
  }
}
