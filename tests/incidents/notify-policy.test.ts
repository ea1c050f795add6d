import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import {
  decideNotices,
  type Incident,
  incidentIdOf,
  isDue,
  isObjectLevel,
  isRuleLevel,
  type RecordOutcome,
} from '../../shared/incidents/index.js';
import { causeSignature } from '../../shared/notify/notification.js';
import { inconclusive, rootCause, throttled } from '../notify/diagnoses.js';
import { DESTINATION_BUCKET, RULE_ID, SOURCE_BUCKET } from '../support/seed-setup.js';

const NOW = Date.parse('2025-03-01T12:00:00.000Z');

function objectLevel(): Diagnosis {
  return rootCause('photos/a.jpg', 'v1', {
    location: 'object',
    problem: 'object-owned-by-other-account',
    missingActions: [],
    resource: `arn:aws:s3:::${SOURCE_BUCKET}/photos/a.jpg`,
    summary: 'The object is owned by another account.',
    fix: { summary: 'Copy it in place as the bucket owner.', commands: [] },
  });
}

function kmsKey(): Diagnosis {
  return rootCause('secret.bin', 'v2', {
    location: 'destination-kms-key',
    problem: 'action-not-allowed',
    missingActions: ['kms:Encrypt'],
    summary: 'The replica key policy does not allow kms:Encrypt for the role.',
    fix: { summary: 'Add kms:Encrypt to the key policy.', commands: [] },
  });
}

function incidentOf(diagnosis: Diagnosis, overrides: Partial<Incident> = {}): Incident {
  return {
    incidentId: incidentIdOf(diagnosis),
    signature: causeSignature(diagnosis),
    status: 'open',
    sourceBucket: diagnosis.failure.sourceBucket,
    ruleId: diagnosis.failure.ruleId,
    destinationBucket: diagnosis.failure.destinationBucket,
    failureReasons: ['DstPutObjectNotPermitted'],
    count: 1,
    firstSeen: '2025-03-01T10:00:00.000Z',
    lastSeen: '2025-03-01T10:00:00.000Z',
    sampleKeys: [{ key: diagnosis.failure.key }],
    diagnosis,
    openedAt: '2025-03-01T10:00:01.000Z',
    reopenCount: 0,
    refailedSinceRedrive: 0,
    ...overrides,
  };
}

function outcome(incident: Incident, opened: boolean, reopened = false): RecordOutcome {
  return { incident, opened, reopened, added: 1 };
}

describe('how broad a cause is', () => {
  it('calls a role policy cause rule-level, and an object, throttling or inconclusive cause narrow', () => {
    expect(isRuleLevel(rootCause())).toBe(true);
    expect(isObjectLevel(rootCause())).toBe(false);
    for (const narrow of [objectLevel(), throttled(), inconclusive()]) {
      expect(isRuleLevel(narrow)).toBe(false);
      expect(isObjectLevel(narrow)).toBe(true);
    }
  });

  it('calls a KMS key cause neither: the key may be one of several, so it neither inhibits nor is inhibited', () => {
    expect(isRuleLevel(kmsKey())).toBe(false);
    expect(isObjectLevel(kmsKey())).toBe(false);
  });
});

describe('deciding the opening notice', () => {
  it('announces an incident once, when it opens or reopens, and not for later batches', () => {
    const incident = incidentOf(rootCause());

    expect(decideNotices(outcome(incident, true), { openOnRoute: [] })).toEqual({ open: true });
    expect(decideNotices(outcome(incident, false, true), { openOnRoute: [] })).toEqual({ open: true });
    expect(decideNotices(outcome(incident, false), { openOnRoute: [] })).toEqual({ open: false });
  });

  it('holds back an object-level incident while a rule-level incident is open on the same route', () => {
    const rolePolicy = incidentOf(rootCause());
    const narrow = incidentOf(objectLevel());

    const decision = decideNotices(outcome(narrow, true), { openOnRoute: [rolePolicy] });

    expect(decision).toEqual({ open: false, inhibitedBy: rolePolicy.incidentId });
  });

  it('holds back an inconclusive incident the same way', () => {
    const rolePolicy = incidentOf(rootCause());

    const decision = decideNotices(outcome(incidentOf(inconclusive()), true), { openOnRoute: [rolePolicy] });

    expect(decision.inhibitedBy).toBe(rolePolicy.incidentId);
  });

  it('does not hold back a rule-level incident, nor one on another route, nor behind a resolved incident', () => {
    const rolePolicy = incidentOf(rootCause());
    const narrow = incidentOf(objectLevel());
    const otherRoute = incidentOf(rootCause(), { destinationBucket: 'another-destination-bucket' });
    const resolved = incidentOf(rootCause(), { status: 'resolved' });

    expect(decideNotices(outcome(rolePolicy, true), { openOnRoute: [incidentOf(kmsKey())] })).toEqual({
      open: true,
    });
    expect(decideNotices(outcome(narrow, true), { openOnRoute: [otherRoute] })).toEqual({ open: true });
    expect(decideNotices(outcome(narrow, true), { openOnRoute: [resolved] })).toEqual({ open: true });
    expect(decideNotices(outcome(incidentOf(kmsKey()), true), { openOnRoute: [rolePolicy] })).toEqual({
      open: true,
    });
  });

  it('is not inhibited by itself', () => {
    const rolePolicy = incidentOf(rootCause());

    expect(decideNotices(outcome(rolePolicy, true), { openOnRoute: [rolePolicy] })).toEqual({ open: true });
    expect(rolePolicy).toMatchObject({
      sourceBucket: SOURCE_BUCKET,
      ruleId: RULE_ID,
      destinationBucket: DESTINATION_BUCKET,
    });
  });
});

describe('whether a repeat notice is due', () => {
  it('is due when nothing was sent yet', () => {
    expect(isDue(undefined, 3_600_000, NOW)).toBe(true);
  });

  it('is due once the interval has passed since the last one, and not a millisecond before', () => {
    expect(isDue('2025-03-01T11:00:00.000Z', 3_600_000, NOW)).toBe(true);
    expect(isDue('2025-03-01T11:00:00.001Z', 3_600_000, NOW)).toBe(false);
  });

  it('is due when the last time cannot be read, as nothing proves a recent notice', () => {
    expect(isDue('not a time', 3_600_000, NOW)).toBe(true);
  });
});
