/**
 * Every shipped scenario, end to end: the event file through `parseEvents`, the snapshot file through
 * `parseSnapshot` + `snapshotReads`, then `diagnose`, compared with the scenario's `expected.json`.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../../shared/diagnosis/types.js';
import { validateDiagnosis } from '../../support/diagnosis-contract.js';
import { loadFixture } from '../../support/fixtures.js';
import { SCENARIOS_DIR } from '../../support/generate-scenarios.js';
import { causeShapes, diagnoseFixture, inconclusiveChecks } from '../../support/run-diagnosis.js';
import { SCENARIOS } from '../../support/scenario-catalog.js';
import type { ExpectedDiagnosis } from '../../support/scenario-types.js';

async function runScenario(name: string): Promise<{ diagnosis: Diagnosis; expected: ExpectedDiagnosis }> {
  const folder = `${SCENARIOS_DIR}/${name}`;
  const diagnosis = await diagnoseFixture(
    loadFixture(`${folder}/event.json`),
    loadFixture(`${folder}/snapshot.json`),
  );
  return { diagnosis, expected: loadFixture<ExpectedDiagnosis>(`${folder}/expected.json`) };
}

describe.each(SCENARIOS.map((scenario) => [scenario.name, scenario.title] as const))(
  'scenario %s',
  (name, title) => {
    it(`diagnoses it as expected: ${title}`, async () => {
      const { diagnosis, expected } = await runScenario(name);

      expect(validateDiagnosis(diagnosis)).toEqual([]);
      expect({ verdict: diagnosis.verdict, action: diagnosis.action }).toEqual({
        verdict: expected.verdict,
        action: expected.action,
      });
      expect(causeShapes(diagnosis)).toEqual(
        expected.causes.map(({ location, problem, missingActions }) => ({
          location,
          problem,
          missingActions,
        })),
      );
      expect(inconclusiveChecks(diagnosis)).toEqual(expected.inconclusive.map((entry) => entry.check).sort());
    });

    it('names the real principal, resource and ARNs in each cause and its fix', async () => {
      const { diagnosis, expected } = await runScenario(name);

      expected.causes.forEach((want, index) => {
        const cause = diagnosis.causes[index];
        if (cause === undefined) return; // the shape test above reports a missing cause
        if (want.principal !== undefined)
          expect(cause.principal, `causes[${index}].principal`).toBe(want.principal);
        if (want.resource !== undefined)
          expect(cause.resource, `causes[${index}].resource`).toBe(want.resource);
        const fix = JSON.stringify(cause.fix);
        for (const mention of want.fixMentions ?? []) expect(fix, `causes[${index}].fix`).toContain(mention);
        const whole = JSON.stringify(cause);
        for (const mention of want.mentions ?? []) expect(whole, `causes[${index}]`).toContain(mention);
      });
    });
  },
);
