import { describe, expect, it } from 'vitest';
import { EventPatternError, matchesEventPattern } from '../support/event-pattern.js';

const event = {
  version: '0',
  'detail-type': 'S3 Replication Event',
  source: 's3-replication-doctor.intake',
  account: '123456789012',
  region: 'us-east-1',
  resources: ['arn:aws:s3:::my-source-bucket-use1', 'arn:aws:s3:::other'],
  detail: {
    Records: [
      {
        eventName: 'Replication:OperationFailedReplication',
        s3: { bucket: { name: 'my-source-bucket-use1' }, object: { key: 'photos/a.jpg', size: 520080 } },
        replicationEventData: {
          failureReason: 'DstPutObjectNotPermitted',
          destinationBucket: 'arn:aws:s3:::dst',
        },
      },
      {
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: 'other-bucket' }, object: { key: 'logs/b.txt', size: 12 } },
      },
    ],
    flag: true,
    nothing: null,
    empty: '',
  },
};

const matches = (pattern: unknown) => matchesEventPattern(pattern, event);

describe('exact values', () => {
  it('matches when the event value equals one of the listed strings', () => {
    expect(matches({ source: ['other', 's3-replication-doctor.intake'] })).toBe(true);
  });

  it('does not match when no listed string equals the event value', () => {
    expect(matches({ source: ['s3-replication-doctor.diagnosis'] })).toBe(false);
  });

  it('compares strings case-sensitively', () => {
    expect(matches({ source: ['S3-Replication-Doctor.Intake'] })).toBe(false);
  });

  it('matches numbers, booleans, null and the empty string by value and type', () => {
    expect(matches({ detail: { Records: { s3: { object: { size: [520080] } } } } })).toBe(true);
    expect(matches({ detail: { Records: { s3: { object: { size: ['520080'] } } } } })).toBe(false);
    expect(matches({ detail: { flag: [true] } })).toBe(true);
    expect(matches({ detail: { flag: ['true'] } })).toBe(false);
    expect(matches({ detail: { nothing: [null] } })).toBe(true);
    expect(matches({ detail: { empty: [''] } })).toBe(true);
  });

  it('does not match a missing field with null', () => {
    expect(matches({ detail: { absent: [null] } })).toBe(false);
  });
});

describe('nesting and arrays', () => {
  it('requires every field of the pattern to match', () => {
    expect(
      matches({ source: ['s3-replication-doctor.intake'], 'detail-type': ['S3 Replication Event'] }),
    ).toBe(true);
    expect(matches({ source: ['s3-replication-doctor.intake'], 'detail-type': ['Other'] })).toBe(false);
  });

  it('matches an array in the event when any element matches', () => {
    expect(matches({ resources: ['arn:aws:s3:::other'] })).toBe(true);
    expect(matches({ resources: ['arn:aws:s3:::missing'] })).toBe(false);
  });

  it('matches fields inside an array of objects against every element', () => {
    expect(matches({ detail: { Records: { eventName: ['ObjectCreated:Put'] } } })).toBe(true);
    expect(matches({ detail: { Records: { eventName: ['ObjectRemoved:Delete'] } } })).toBe(false);
  });

  it('does not match when a nested object is missing in the event', () => {
    expect(matches({ detail: { missing: { eventName: ['x'] } } })).toBe(false);
  });

  it('does not treat a typo in a field name as a match', () => {
    expect(matches({ detail: { Record: { eventName: ['ObjectCreated:Put'] } } })).toBe(false);
  });
});

describe('prefix and suffix', () => {
  it('matches a string that starts with the prefix', () => {
    expect(matches({ detail: { Records: { eventName: [{ prefix: 'Replication:' }] } } })).toBe(true);
    expect(matches({ detail: { Records: { eventName: [{ prefix: 's3:Replication:' }] } } })).toBe(false);
  });

  it('matches a prefix case-insensitively when asked', () => {
    expect(
      matches({ detail: { Records: { eventName: [{ prefix: { 'equals-ignore-case': 'replication:' } }] } } }),
    ).toBe(true);
    expect(matches({ detail: { Records: { eventName: [{ prefix: 'replication:' }] } } })).toBe(false);
  });

  it('matches a string that ends with the suffix', () => {
    expect(matches({ detail: { Records: { s3: { object: { key: [{ suffix: '.txt' }] } } } } })).toBe(true);
    expect(matches({ detail: { Records: { s3: { object: { key: [{ suffix: '.png' }] } } } } })).toBe(false);
    expect(
      matches({
        detail: { Records: { s3: { object: { key: [{ suffix: { 'equals-ignore-case': '.TXT' } }] } } } },
      }),
    ).toBe(true);
  });

  it('never matches numbers with string operators', () => {
    expect(matches({ detail: { Records: { s3: { object: { size: [{ prefix: '520' }] } } } } })).toBe(false);
  });
});

describe('anything-but', () => {
  it('matches any value other than the one given', () => {
    expect(matches({ source: [{ 'anything-but': 'aws.s3' }] })).toBe(true);
    expect(matches({ source: [{ 'anything-but': 's3-replication-doctor.intake' }] })).toBe(false);
  });

  it('matches any value outside the list given', () => {
    expect(matches({ region: [{ 'anything-but': ['eu-west-1', 'us-west-2'] }] })).toBe(true);
    expect(matches({ region: [{ 'anything-but': ['eu-west-1', 'us-east-1'] }] })).toBe(false);
    expect(
      matches({ detail: { Records: { s3: { object: { size: [{ 'anything-but': [12, 520080] }] } } } } }),
    ).toBe(false);
  });

  it('matches strings that do not start with the prefix given', () => {
    expect(matches({ source: [{ 'anything-but': { prefix: 'aws.' } }] })).toBe(true);
    expect(matches({ source: [{ 'anything-but': { prefix: 's3-replication' } }] })).toBe(false);
  });

  it('supports suffix, wildcard and equals-ignore-case inside anything-but', () => {
    expect(matches({ source: [{ 'anything-but': { suffix: '.intake' } }] })).toBe(false);
    expect(matches({ source: [{ 'anything-but': { wildcard: 's3-*.intake' } }] })).toBe(false);
    expect(
      matches({ source: [{ 'anything-but': { 'equals-ignore-case': ['S3-REPLICATION-DOCTOR.INTAKE'] } }] }),
    ).toBe(false);
    expect(matches({ source: [{ 'anything-but': { 'equals-ignore-case': 'AWS.S3' } }] })).toBe(true);
  });

  it('does not match a missing field', () => {
    expect(matches({ detail: { absent: [{ 'anything-but': 'x' }] } })).toBe(false);
  });
});

describe('numeric', () => {
  it('matches a number inside the range', () => {
    expect(
      matches({ detail: { Records: { s3: { object: { size: [{ numeric: ['>', 0, '<=', 520080] }] } } } } }),
    ).toBe(true);
  });

  it('does not match a number outside the range', () => {
    expect(
      matches({ detail: { Records: { s3: { object: { size: [{ numeric: ['>', 1_000_000] }] } } } } }),
    ).toBe(false);
    expect(matches({ detail: { Records: { s3: { object: { size: [{ numeric: ['<', 12] }] } } } } })).toBe(
      false,
    );
  });

  it('matches an exact number with =', () => {
    expect(matches({ detail: { Records: { s3: { object: { size: [{ numeric: ['=', 12] }] } } } } })).toBe(
      true,
    );
    expect(
      matches({ detail: { Records: { s3: { object: { size: [{ numeric: ['>=', 13, '<', 100] }] } } } } }),
    ).toBe(false);
  });

  it('never matches strings', () => {
    expect(matches({ version: [{ numeric: ['=', 0] }] })).toBe(false);
  });
});

describe('exists', () => {
  it('matches a present field with exists true and a missing one with exists false', () => {
    expect(
      matches({ detail: { Records: { replicationEventData: { failureReason: [{ exists: true }] } } } }),
    ).toBe(true);
    expect(matches({ detail: { absent: [{ exists: false }] } })).toBe(true);
  });

  it('does not match a missing field with exists true or a present one with exists false', () => {
    expect(matches({ detail: { absent: [{ exists: true }] } })).toBe(false);
    expect(matches({ source: [{ exists: false }] })).toBe(false);
  });

  it('applies to leaf values only', () => {
    expect(matches({ detail: { Records: [{ exists: true }] } })).toBe(false);
  });

  it('treats null as a present value', () => {
    expect(matches({ detail: { nothing: [{ exists: true }] } })).toBe(true);
  });
});

describe('equals-ignore-case', () => {
  it('matches a string that differs only in case', () => {
    expect(matches({ 'detail-type': [{ 'equals-ignore-case': 's3 replication event' }] })).toBe(true);
  });

  it('does not match a different string', () => {
    expect(matches({ 'detail-type': [{ 'equals-ignore-case': 's3 replication events' }] })).toBe(false);
  });
});

describe('wildcard', () => {
  it('matches any run of characters for each star', () => {
    expect(matches({ source: [{ wildcard: 's3-*.intake' }] })).toBe(true);
    expect(
      matches({ detail: { Records: { s3: { object: { key: [{ wildcard: 'photos/*.jpg' }] } } } } }),
    ).toBe(true);
  });

  it('must match the whole string', () => {
    expect(matches({ source: [{ wildcard: 's3-*' }] })).toBe(true);
    expect(matches({ source: [{ wildcard: '*-doctor' }] })).toBe(false);
  });

  it('treats an escaped star and regular-expression characters literally', () => {
    const starred = { name: 'a*b.c' };
    expect(matchesEventPattern({ name: [{ wildcard: 'a\\*b.c' }] }, starred)).toBe(true);
    expect(matchesEventPattern({ name: [{ wildcard: 'a\\*b.c' }] }, { name: 'axb.c' })).toBe(false);
    expect(matchesEventPattern({ name: [{ wildcard: 'a*b.c' }] }, { name: 'a*bxc' })).toBe(false);
  });
});

describe('$or', () => {
  it('matches when any of the alternative patterns matches', () => {
    expect(
      matches({
        source: ['s3-replication-doctor.intake'],
        $or: [
          { 'detail-type': ['Other'] },
          { detail: { Records: { eventName: [{ prefix: 'Replication:' }] } } },
        ],
      }),
    ).toBe(true);
  });

  it('does not match when no alternative matches', () => {
    expect(matches({ $or: [{ 'detail-type': ['Other'] }, { region: ['eu-west-1'] }] })).toBe(false);
  });

  it('still requires the fields beside $or to match', () => {
    expect(
      matches({ source: ['other'], $or: [{ region: ['us-east-1'] }, { account: ['123456789012'] }] }),
    ).toBe(false);
  });
});

describe('pattern validation', () => {
  it('accepts a pattern given as a JSON string, as CloudFormation and pipe filters carry it', () => {
    expect(matches('{"source":["s3-replication-doctor.intake"]}')).toBe(true);
  });

  it('rejects an unknown operator, such as a misspelt prefix', () => {
    expect(() => matches({ source: [{ prefx: 's3' }] })).toThrow(EventPatternError);
  });

  it('rejects a field value that is neither an array nor an object', () => {
    expect(() => matches({ source: 's3-replication-doctor.intake' })).toThrow(EventPatternError);
  });

  it('rejects malformed operands', () => {
    expect(() => matches({ region: [{ numeric: ['>>', 1] }] })).toThrow(EventPatternError);
    expect(() => matches({ region: [{ exists: 'yes' }] })).toThrow(EventPatternError);
    expect(() => matches({ region: [{ prefix: 1 }] })).toThrow(EventPatternError);
    expect(() => matches({ region: [] })).toThrow(EventPatternError);
    expect(() => matches({ $or: [{ region: ['us-east-1'] }] })).toThrow(EventPatternError);
    expect(() => matches({ region: [{ wildcard: 'a**b' }] })).toThrow(EventPatternError);
  });
});
