import { describe, expect, it } from 'vitest';
import type { Cause } from '../../../shared/diagnosis/types.js';
import { decide, dedupeCauses, orderCauses } from '../../../shared/diagnosis/verdict.js';

const cause = (
  location: Cause['location'],
  problem: Cause['problem'] = 'action-not-allowed',
  resource = 'r',
): Cause => ({
  location,
  problem,
  missingActions: [],
  resource,
  summary: `${location} ${problem}`,
  fix: { summary: '', commands: [] },
});

describe('verdict and action', () => {
  it('finds the root cause and notifies when any cause is established', () => {
    expect(decide([cause('replication-role-policy')], [{ check: 'object', why: 'x' }])).toEqual({
      verdict: 'root-cause-found',
      action: 'notify',
    });
  });

  it('needs no action when the object has already replicated', () => {
    expect(decide([cause('object', 'already-replicated'), cause('replication-role-policy')], [])).toEqual({
      verdict: 'no-action-needed',
      action: 'ignore',
    });
  });

  it('is inconclusive and notifies when nothing was found but a check could not run', () => {
    expect(decide([], [{ check: 'destination-bucket-policy', why: 'denied' }])).toEqual({
      verdict: 'inconclusive',
      action: 'notify',
    });
  });

  it('finds no cause and retriggers when every check ran and passed', () => {
    expect(decide([], [])).toEqual({ verdict: 'no-cause-found', action: 'retrigger' });
  });
});

describe('cause order', () => {
  it('puts the failure reason’s primary locations first, then settings before permissions, SCPs last', () => {
    const causes = [
      cause('organization-policy', 'organization-policy-suspected'),
      cause('replication-role-policy'),
      cause('destination-bucket-configuration', 'versioning-not-enabled'),
      cause('destination-bucket-policy'),
    ];
    expect(orderCauses(causes, ['destination-bucket-policy']).map((c) => c.location)).toEqual([
      'destination-bucket-policy',
      'destination-bucket-configuration',
      'replication-role-policy',
      'organization-policy',
    ]);
  });

  it('keeps the order found among causes of equal rank', () => {
    const first = cause('replication-role-policy', 'action-not-allowed', 'a');
    const second = cause('replication-role-policy', 'explicit-deny', 'b');
    expect(orderCauses([first, second], [])).toEqual([first, second]);
  });

  it('reports a fact two checks establish once', () => {
    const a = cause('replication-role', 'role-not-found', 'arn:role');
    expect(
      dedupeCauses([a, { ...a, summary: 'again' }, cause('replication-role', 'role-not-found', 'other')]),
    ).toHaveLength(2);
  });
});
