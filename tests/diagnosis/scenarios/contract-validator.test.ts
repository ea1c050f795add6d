/** The contract validator must catch what breaks the contract, or the scenario tests prove nothing. */
import { describe, expect, it } from 'vitest';
import { validateDiagnosis } from '../../support/diagnosis-contract.js';

function validDiagnosis(): Record<string, unknown> {
  return {
    failure: {
      eventName: 'Replication:OperationFailedReplication',
      sourceBucket: 'my-source-bucket-use1',
      key: 'finance/2024/q3 report.pdf',
      versionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
      ruleId: 'DR-Replication-Rule',
      destinationBucket: 'my-destination-bucket-euw1',
      failureReason: 'DstPutObjectNotPermitted',
    },
    verdict: 'root-cause-found',
    causes: [
      {
        location: 'destination-bucket-policy',
        problem: 'action-not-allowed',
        missingActions: ['s3:ReplicateObject'],
        principal: 'arn:aws:iam::123456789012:role/S3ReplicationRole',
        resource: 'arn:aws:s3:::my-destination-bucket-euw1/*',
        summary: 'The destination bucket policy does not allow s3:ReplicateObject.',
        fix: {
          summary: 'Add this statement.',
          policyStatement: { Effect: 'Allow', Action: ['s3:ReplicateObject'] },
          commands: [
            'aws s3api put-bucket-policy --bucket my-destination-bucket-euw1 --policy file://policy.json',
          ],
        },
      },
    ],
    inconclusive: [],
    action: 'notify',
  };
}

function withCause(patch: Record<string, unknown>): Record<string, unknown> {
  const diagnosis = validDiagnosis();
  const [cause] = diagnosis.causes as Record<string, unknown>[];
  return { ...diagnosis, causes: [{ ...cause, ...patch }] };
}

describe('the diagnosis contract validator', () => {
  it('accepts a diagnosis shaped like the contract example', () => {
    expect(validateDiagnosis(validDiagnosis())).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['a location outside the table', withCause({ location: 'bucket-policy' }), 'causes[0].location'],
    ['a problem outside the table', withCause({ problem: 'denied' }), 'causes[0].problem'],
    [
      'unsorted missing actions',
      withCause({ missingActions: ['s3:ReplicateTags', 's3:ReplicateObject'] }),
      'sorted',
    ],
    ['an action without its service', withCause({ missingActions: ['ReplicateObject'] }), 'service:Action'],
    ['a permission problem that names no action', withCause({ missingActions: [] }), 'must name the actions'],
    ['a cause without a fix', withCause({ fix: undefined }), 'causes[0].fix'],
    ['a fix without commands', withCause({ fix: { summary: 'x' } }), 'fix.commands'],
    ['a cause without a summary', withCause({ summary: '' }), 'causes[0].summary'],
    ['an unknown verdict', { ...validDiagnosis(), verdict: 'fixed' }, 'verdict'],
    ['an unknown action', { ...validDiagnosis(), action: 'retry' }, 'action'],
    ['root-cause-found without causes', { ...validDiagnosis(), causes: [] }, 'at least one cause'],
    [
      'a destination bucket ARN',
      {
        ...validDiagnosis(),
        failure: { ...(validDiagnosis().failure as object), destinationBucket: 'arn:aws:s3:::b' },
      },
      'not its ARN',
    ],
    [
      'a failure without its rule',
      { ...validDiagnosis(), failure: { ...(validDiagnosis().failure as object), ruleId: undefined } },
      'failure.ruleId',
    ],
    [
      'an inconclusive entry without why',
      { ...validDiagnosis(), inconclusive: [{ check: 'object' }] },
      'inconclusive[0].why',
    ],
    ['a retrigger while a cause stands', { ...validDiagnosis(), action: 'retrigger' }, 'retrigger'],
    [
      'an inconclusive verdict that lists no check',
      { ...validDiagnosis(), verdict: 'inconclusive', causes: [] },
      'which checks could not run',
    ],
    ['no causes array', { ...validDiagnosis(), causes: undefined }, 'causes: must be an array'],
  ])('rejects %s', (_what, diagnosis, complaint) => {
    const errors = validateDiagnosis(diagnosis);

    expect(errors.join('\n')).toContain(complaint);
  });
});
