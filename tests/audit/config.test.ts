import { describe, expect, it } from 'vitest';
import { loadAuditConfig } from '../../shared/audit/config.js';

const BASE = {
  AWS_REGION: 'us-east-1',
  LEDGER_TABLE: 'ledger',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:t',
};

describe('scheduled audit configuration', () => {
  it('audits the enrolled buckets named in SOURCE_BUCKETS, or every replicated bucket when it is empty', () => {
    expect(loadAuditConfig({ ...BASE, SOURCE_BUCKETS: ' a-bucket, b-bucket ,' }).sourceBuckets).toEqual([
      'a-bucket',
      'b-bucket',
    ]);
    expect(loadAuditConfig({ ...BASE, SOURCE_BUCKETS: '' }).sourceBuckets).toEqual([]);
  });

  it('fails naming a missing required variable', () => {
    expect(() => loadAuditConfig({ ...BASE, TOPIC_ARN: ' ' })).toThrow('TOPIC_ARN');
  });
});
