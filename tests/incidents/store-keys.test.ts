import { describe, expect, it } from 'vitest';
import { incidentIdOf, objectSortKey } from '../../shared/incidents/index.js';
import { rolePolicyCause, rootCause } from '../notify/diagnoses.js';

describe('incident ids', () => {
  it('gives every failure of one cause the same id, whatever the object or failure reason', () => {
    const a = rootCause('a.txt', 'v1');
    const b = rootCause('b/c.txt', 'v2');
    b.failure.failureReason = 'DstPutLegalHoldNotPermitted';

    expect(incidentIdOf(a)).toBe(incidentIdOf(b));
    expect(incidentIdOf(a)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives a different id to different missing actions, and to another rule', () => {
    const base = rootCause();
    const otherActions = rootCause(undefined, undefined, rolePolicyCause(['s3:ReplicateTags']));
    const otherRule = rootCause();
    otherRule.failure.ruleId = 'Archive-Rule';

    expect(incidentIdOf(otherActions)).not.toBe(incidentIdOf(base));
    expect(incidentIdOf(otherRule)).not.toBe(incidentIdOf(base));
  });
});

describe('object sort keys', () => {
  it('never lets a # in a key or version make two objects share a key', () => {
    const keys = [
      objectSortKey('b', 'a', 'b#c'),
      objectSortKey('b', 'a#b', 'c'),
      objectSortKey('b', 'a#b#c'),
      objectSortKey('b#a', 'b', 'c'),
      objectSortKey('b', 'a', 'null'),
      objectSortKey('b', 'a'),
    ];

    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps keys readable and falls back to a digest only past the sort key size limit', () => {
    expect(objectSortKey('my-source-bucket-use1', 'q3 report.pdf', 'v1')).toBe(
      'OBJ#21:my-source-bucket-use1#13:q3 report.pdf#v1',
    );
    const long = objectSortKey('my-source-bucket-use1', 'k'.repeat(1024), 'v1');
    expect(long).toMatch(/^OBJH#[0-9a-f]{64}$/);
    expect(long).not.toBe(objectSortKey('my-source-bucket-use1', 'k'.repeat(1024), 'v2'));
  });
});
