import { describe, expect, it } from 'vitest';
import { ConfigError, loadDiagnoseConfig, parseMode } from '../../shared/config.js';

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
