import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Mode } from '../../shared/config.js';
import type { Cause, Diagnosis, Verdict } from '../../shared/diagnosis/types.js';
import { type ActionSettings, decideAction } from '../../shared/remediation/action-policy.js';
import { fixturePath, loadFixture } from '../support/fixtures.js';
import { diagnoseFixture } from '../support/run-diagnosis.js';

const ROLE = 'arn:aws:iam::123456789012:role/S3ReplicationRole';

const roleCause: Cause = {
  location: 'replication-role-policy',
  problem: 'action-not-allowed',
  missingActions: ['s3:ReplicateObject'],
  principal: ROLE,
  resource: 'arn:aws:s3:::my-destination-bucket-euw1/*',
  summary: 'The role policy S3ReplicationPolicy does not allow s3:ReplicateObject.',
  fix: { summary: 'Add this statement to S3ReplicationPolicy.', commands: [] },
};

const goneCause: Cause = {
  location: 'object',
  problem: 'object-gone',
  missingActions: [],
  summary: 'The source version was deleted before it replicated.',
  fix: { summary: 'Nothing to do.', commands: [] },
};

const ACTION_OF: Record<Verdict, Diagnosis['action']> = {
  'root-cause-found': 'notify',
  inconclusive: 'notify',
  'no-action-needed': 'ignore',
  'no-cause-found': 'retrigger',
};

function diagnosisWith(verdict: Verdict, failure: Partial<Diagnosis['failure']> = {}): Diagnosis {
  return {
    failure: {
      eventName: 'Replication:OperationFailedReplication',
      sourceBucket: 'my-source-bucket-use1',
      key: 'photos/2024/a b.jpg',
      versionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
      ruleId: 'DR-Replication-Rule',
      destinationBucket: 'my-destination-bucket-euw1',
      failureReason: 'DstObjectHardDeleted',
      ...failure,
    },
    verdict,
    causes: verdict === 'root-cause-found' ? [roleCause] : verdict === 'no-action-needed' ? [goneCause] : [],
    inconclusive:
      verdict === 'inconclusive'
        ? [{ check: 'destination-bucket-policy', why: 's3:GetBucketPolicy was denied' }]
        : [],
    action: ACTION_OF[verdict],
  };
}

const MODES: Mode[] = ['plan', 'auto'];
const OPT_INS: string[][] = [[], ['DstObjectHardDeleted'], ['*'], ['SrcGetObjectNotPermitted']];
const settingsMatrix = MODES.flatMap((mode) => OPT_INS.map((autoRetrigger) => ({ mode, autoRetrigger })));

describe('deciding the action for a diagnosis', () => {
  describe.each([
    ['root-cause-found', 'notify'],
    ['inconclusive', 'notify'],
    ['no-action-needed', 'ignore'],
  ] as const)('a %s diagnosis', (verdict, action) => {
    it.each(settingsMatrix)(
      `is to ${action}, never to copy, in mode $mode with autoRetrigger $autoRetrigger`,
      (settings) => {
        const decision = decideAction(diagnosisWith(verdict), settings);

        expect(decision).toMatchObject({ action, execute: false, mode: settings.mode });
      },
    );
  });

  describe('a no-cause-found diagnosis (the cause is gone)', () => {
    it.each([
      ['plan', [], false],
      ['plan', ['DstObjectHardDeleted'], false],
      ['plan', ['*'], false],
      ['plan', ['SrcGetObjectNotPermitted'], false],
      ['auto', [], false],
      ['auto', ['DstObjectHardDeleted'], true],
      ['auto', ['*'], true],
      ['auto', ['SrcGetObjectNotPermitted'], false],
    ] as Array<[Mode, string[], boolean]>)(
      'is a retrigger in mode %s with autoRetrigger %j, executed: %s',
      (mode, autoRetrigger, execute) => {
        const decision = decideAction(diagnosisWith('no-cause-found'), { mode, autoRetrigger });

        expect(decision).toMatchObject({ action: 'retrigger', execute, mode });
      },
    );
  });

  it('says in plan mode that the copy is only shown and nothing changes', () => {
    const decision = decideAction(diagnosisWith('no-cause-found'), { mode: 'plan', autoRetrigger: ['*'] });

    expect(decision.reason).toMatch(/Mode plan/);
    expect(decision.reason).toMatch(/nothing is changed/);
  });

  it('names the failure class that is not opted in when auto mode only shows the copy', () => {
    const decision = decideAction(
      diagnosisWith('no-cause-found', { failureReason: 'SrcGetTaggingNotPermitted' }),
      {
        mode: 'auto',
        autoRetrigger: ['DstObjectHardDeleted'],
      },
    );

    expect(decision).toMatchObject({ action: 'retrigger', execute: false });
    expect(decision.reason).toContain('SrcGetTaggingNotPermitted is not opted in');
  });

  it('matches a failure without a failure reason only with *', () => {
    const diagnosis = diagnosisWith('no-cause-found', { failureReason: undefined });

    expect(decideAction(diagnosis, { mode: 'auto', autoRetrigger: ['DstObjectHardDeleted'] }).execute).toBe(
      false,
    );
    expect(decideAction(diagnosis, { mode: 'auto', autoRetrigger: ['*'] }).execute).toBe(true);
  });

  it('never executes a copy for an event without a version id, even when opted in', () => {
    const decision = decideAction(diagnosisWith('no-cause-found', { versionId: undefined }), {
      mode: 'auto',
      autoRetrigger: ['*'],
    });

    expect(decision).toMatchObject({ action: 'retrigger', execute: false });
    expect(decision.reason).toMatch(/no version/);
  });

  it('notifies when a no-cause-found diagnosis does not itself ask for a retrigger', () => {
    const diagnosis: Diagnosis = { ...diagnosisWith('no-cause-found'), action: 'notify' };

    expect(decideAction(diagnosis, { mode: 'auto', autoRetrigger: ['*'] })).toMatchObject({
      action: 'notify',
      execute: false,
    });
  });

  it('states why nothing is done for a benign diagnosis, from its cause', () => {
    const decision = decideAction(diagnosisWith('no-action-needed'), { mode: 'auto', autoRetrigger: ['*'] });

    expect(decision.reason).toBe('Nothing to do: The source version was deleted before it replicated.');
  });

  it('names where the cause is when it notifies about a root cause', () => {
    const decision = decideAction(diagnosisWith('root-cause-found'), { mode: 'plan', autoRetrigger: [] });

    expect(decision.reason).toContain('replication-role-policy: action-not-allowed');
  });

  it('lists the checks that could not run when it notifies about an inconclusive diagnosis', () => {
    const decision = decideAction(diagnosisWith('inconclusive'), { mode: 'plan', autoRetrigger: [] });

    expect(decision.reason).toContain('(destination-bucket-policy)');
  });

  it('notifies, and copies nothing, for a verdict it does not know (an event from a newer diagnoser)', () => {
    const diagnosis = { ...diagnosisWith('no-cause-found'), verdict: 'partly-fixed' as Verdict };

    expect(decideAction(diagnosis, { mode: 'auto', autoRetrigger: ['*'] })).toMatchObject({
      action: 'notify',
      execute: false,
    });
  });
});

describe('the action policy on every sample scenario', () => {
  const scenarios = readdirSync(fixturePath('events/scenarios'));
  const everything: ActionSettings = { mode: 'auto', autoRetrigger: ['*'] };

  it.each(scenarios)(
    'copies %s only if its diagnosis found no cause, and never in plan mode',
    async (name) => {
      const diagnosis = await diagnoseFixture(
        loadFixture(`events/scenarios/${name}/event.json`),
        loadFixture(`events/scenarios/${name}/snapshot.json`),
      );

      const auto = decideAction(diagnosis, everything);
      const plan = decideAction(diagnosis, { ...everything, mode: 'plan' });

      expect(auto.execute).toBe(diagnosis.verdict === 'no-cause-found');
      expect(plan.execute).toBe(false);
      expect(plan.action).toBe(diagnosis.action);
    },
  );
});
