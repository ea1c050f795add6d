import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadActConfig,
  loadBatchJobsConfig,
  loadDiagnoseConfig,
  loadSweepConfig,
  parseMode,
} from '../../shared/config.js';

const base = {
  AWS_REGION: 'us-east-1',
  EVENT_BUS_NAME: 'doctor-bus',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq',
};

describe('diagnose function configuration', () => {
  it('defaults to plan mode, a 30 s read cache and no destination read role', () => {
    expect(loadDiagnoseConfig(base)).toEqual({
      region: 'us-east-1',
      eventBusName: 'doctor-bus',
      deadLetterQueueUrl: base.DEAD_LETTER_QUEUE_URL,
      mode: 'plan',
      cacheTtlMs: 30_000,
    });
  });

  it('reads the optional settings', () => {
    const config = loadDiagnoseConfig({
      ...base,
      MODE: 'auto',
      DESTINATION_READ_ROLE_ARN: 'arn:aws:iam::444455556666:role/doctor-read',
      READ_CACHE_TTL_MS: '0',
    });
    expect(config).toMatchObject({
      mode: 'auto',
      destinationReadRoleArn: 'arn:aws:iam::444455556666:role/doctor-read',
      cacheTtlMs: 0,
    });
  });

  it.each(['AWS_REGION', 'EVENT_BUS_NAME', 'DEAD_LETTER_QUEUE_URL'])(
    'fails fast naming a missing %s',
    (name) => {
      const env: Record<string, string | undefined> = { ...base, [name]: '  ' };
      expect(() => loadDiagnoseConfig(env)).toThrow(
        new ConfigError(`missing required environment variable ${name}`),
      );
    },
  );

  it('rejects an unknown mode and a negative cache time with the value named', () => {
    expect(() => parseMode('yolo')).toThrow('MODE must be "plan" or "auto", got "yolo"');
    expect(() => loadDiagnoseConfig({ ...base, READ_CACHE_TTL_MS: '-5' })).toThrow('READ_CACHE_TTL_MS');
  });
});

describe('act function configuration', () => {
  const act = {
    AWS_REGION: 'eu-west-1',
    TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:doctor',
    LEDGER_TABLE: 'doctor-ledger',
    MODE_PARAMETER_NAME: '/s3-replication-doctor/prod/mode',
    DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/act-dlq',
  };

  it('defaults to plan, no auto classes, one copy per object and 50 copies/s, with no chat channels', () => {
    expect(loadActConfig(act)).toEqual({
      region: 'eu-west-1',
      topicArn: act.TOPIC_ARN,
      ledgerTable: 'doctor-ledger',
      modeParameterName: act.MODE_PARAMETER_NAME,
      deadLetterQueueUrl: act.DEAD_LETTER_QUEUE_URL,
      fallbackMode: 'plan',
      autoRetrigger: [],
      maxCopiesPerObject: 1,
      copyRatePerSecond: 50,
      slackUpdateIntervalMs: 300_000,
    });
  });

  it('reads the auto classes as a list and the secret references as given', () => {
    const config = loadActConfig({
      ...act,
      MODE: 'auto',
      AUTO_RETRIGGER: ' DstObjectHardDeleted, ,DstVersionNotFound ',
      SLACK_SECRET: 'ssm:/doctor/slack',
      SLACK_CHANNEL: 'C123',
      WEBHOOK_SECRET: 'secretsmanager:doctor/webhook',
      MAX_COPIES_PER_OBJECT: '2',
    });
    expect(config).toMatchObject({
      fallbackMode: 'auto',
      autoRetrigger: ['DstObjectHardDeleted', 'DstVersionNotFound'],
      slackSecret: 'ssm:/doctor/slack',
      slackChannel: 'C123',
      webhookSecret: 'secretsmanager:doctor/webhook',
      maxCopiesPerObject: 2,
    });
  });

  it.each(['TOPIC_ARN', 'LEDGER_TABLE', 'MODE_PARAMETER_NAME', 'DEAD_LETTER_QUEUE_URL'])(
    'fails fast naming a missing %s',
    (name) => {
      expect(() => loadActConfig({ ...act, [name]: '' })).toThrow(
        `missing required environment variable ${name}`,
      );
    },
  );

  it('refuses zero copies per object or a zero copy rate', () => {
    expect(() => loadActConfig({ ...act, MAX_COPIES_PER_OBJECT: '0' })).toThrow(
      'MAX_COPIES_PER_OBJECT must be at least 1',
    );
    expect(() => loadActConfig({ ...act, COPY_RATE_PER_SECOND: '0' })).toThrow(
      'COPY_RATE_PER_SECOND must be at least 1',
    );
  });
});

describe('sweep function configuration', () => {
  const sweep = {
    AWS_REGION: 'us-east-1',
    TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:doctor',
    LEDGER_TABLE: 'doctor-ledger',
    MODE_PARAMETER_NAME: '/s3-replication-doctor/prod/mode',
  };

  it('defaults to copies up to 1,000 objects, hourly digests, 5-minute Slack updates and 5 spot checks', () => {
    expect(loadSweepConfig(sweep)).toMatchObject({
      copyThreshold: 1000,
      digestIntervalMs: 3_600_000,
      slackUpdateIntervalMs: 300_000,
      spotCheck: 5,
      fallbackMode: 'plan',
    });
    // The sweep has no dead-letter queue of its own to send to (Lambda's failure destination takes failed sweeps).
    expect(loadSweepConfig(sweep)).not.toHaveProperty('deadLetterQueueUrl');
    // Nor anything of Batch Replication: the batchJobs function runs the jobs.
    expect(loadSweepConfig(sweep)).not.toHaveProperty('batchRoleArn');
  });

  it.each(['TOPIC_ARN', 'MODE_PARAMETER_NAME', 'LEDGER_TABLE'])('fails fast naming a missing %s', (name) => {
    expect(() => loadSweepConfig({ ...sweep, [name]: '' })).toThrow(
      `missing required environment variable ${name}`,
    );
  });

  it('reads the thresholds in seconds and counts', () => {
    const config = loadSweepConfig({
      ...sweep,
      COPY_THRESHOLD: '0',
      DIGEST_INTERVAL_SECONDS: '600',
      SLACK_UPDATE_INTERVAL_SECONDS: '60',
      SPOT_CHECK: '2',
    });
    expect(config).toMatchObject({
      copyThreshold: 0,
      digestIntervalMs: 600_000,
      slackUpdateIntervalMs: 60_000,
      spotCheck: 2,
    });
  });
});

describe('batchJobs function configuration', () => {
  const jobs = {
    AWS_REGION: 'us-east-1',
    LEDGER_TABLE: 'doctor-ledger',
    ACCOUNT_ID: '123456789012',
    REDRIVE_BUCKET: 'doctor-redrive',
    BATCH_ROLE_ARN: 'arn:aws:iam::123456789012:role/doctor-batch',
  };

  it('reads the table, the account, the re-drive bucket and the job role', () => {
    expect(loadBatchJobsConfig(jobs)).toEqual({
      region: 'us-east-1',
      ledgerTable: 'doctor-ledger',
      accountId: '123456789012',
      redriveBucket: 'doctor-redrive',
      batchRoleArn: jobs.BATCH_ROLE_ARN,
    });
  });

  it.each(['AWS_REGION', 'LEDGER_TABLE', 'ACCOUNT_ID', 'REDRIVE_BUCKET', 'BATCH_ROLE_ARN'])(
    'fails fast naming a missing %s',
    (name) => {
      expect(() => loadBatchJobsConfig({ ...jobs, [name]: '' })).toThrow(
        `missing required environment variable ${name}`,
      );
    },
  );
});
