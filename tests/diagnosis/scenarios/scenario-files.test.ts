import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../../shared/aws/index.js';
import { DOCUMENTED_FAILURE_REASONS } from '../../support/documented-failure-reasons.js';
import { failureFrom } from '../../support/event-failure.js';
import { fixturePath, loadFixture } from '../../support/fixtures.js';
import { renderScenarioFiles, SCENARIO_FILES, SCENARIOS_DIR } from '../../support/generate-scenarios.js';
import { SCENARIOS } from '../../support/scenario-catalog.js';
import { RULE_ID, SOURCE_BUCKET } from '../../support/seed-setup.js';
import type { AccountSnapshot, SnapshotCall } from '../../support/snapshot-builder.js';

/** The contract's table of calls a snapshot provides, with exactly these input fields. */
const CONTRACT_INPUTS: Record<string, string[]> = {
  'STS GetCallerIdentity': [],
  'Organizations DescribeOrganization': [],
  'S3 GetBucketReplication': ['Bucket'],
  'S3 GetBucketVersioning': ['Bucket'],
  'S3 GetBucketLocation': ['Bucket'],
  'S3 GetBucketPolicy': ['Bucket'],
  'S3 GetBucketOwnershipControls': ['Bucket'],
  'S3 GetObjectLockConfiguration': ['Bucket'],
  'S3 GetBucketEncryption': ['Bucket'],
  'S3 GetBucketRequestPayment': ['Bucket'],
  'S3 HeadObject': ['Bucket', 'Key', 'VersionId'],
  'S3 GetObjectTagging': ['Bucket', 'Key', 'VersionId'],
  'S3 GetObjectAcl': ['Bucket', 'Key', 'VersionId'],
  'IAM GetRole': ['RoleName'],
  'IAM ListRolePolicies': ['RoleName'],
  'IAM GetRolePolicy': ['PolicyName', 'RoleName'],
  'IAM ListAttachedRolePolicies': ['RoleName'],
  'IAM GetPolicy': ['PolicyArn'],
  'IAM GetPolicyVersion': ['PolicyArn', 'VersionId'],
  'KMS DescribeKey': ['KeyId'],
  'KMS GetKeyPolicy': ['KeyId', 'PolicyName'],
  'KMS ListGrants': ['KeyId'],
  // Beyond the contract's list (allowed: a diagnosis may make other calls): names the bucket owner's canonical ID.
  'S3 GetBucketAcl': ['Bucket'],
};

const onDisk = (): string[] =>
  readdirSync(fixturePath(SCENARIOS_DIR), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

const snapshots = (): Array<[string, AccountSnapshot]> =>
  SCENARIOS.map((scenario) => [
    scenario.name,
    loadFixture<AccountSnapshot>(`${SCENARIOS_DIR}/${scenario.name}/snapshot.json`),
  ]);

const allCalls = (): Array<[string, SnapshotCall]> =>
  snapshots().flatMap(([name, snapshot]) =>
    snapshot.calls.map((call): [string, SnapshotCall] => [name, call]),
  );

describe('scenario files', () => {
  it('hold exactly what the generator renders (run `npx tsx tests/support/generate-scenarios.ts` after a change)', () => {
    for (const [path, content] of renderScenarioFiles()) {
      expect(loadFixture(path), path).toEqual(content);
    }
  });

  it('exist for every scenario of the catalog and for nothing else', () => {
    expect(onDisk()).toEqual(SCENARIOS.map((scenario) => scenario.name).sort());
    for (const name of onDisk()) {
      expect(readdirSync(join(fixturePath(SCENARIOS_DIR), name)).sort(), name).toEqual(
        [...SCENARIO_FILES].sort(),
      );
    }
  });

  it('cover every failure reason of the reference table', () => {
    const covered = new Set(SCENARIOS.map((scenario) => scenario.event.failureReason));
    expect(DOCUMENTED_FAILURE_REASONS.filter((reason) => !covered.has(reason))).toEqual([]);
  });

  it('describe every scenario in prose that names its failure', () => {
    for (const scenario of SCENARIOS) {
      expect(scenario.description.length, scenario.name).toBeGreaterThan(60);
      const named = scenario.event.failureReason ?? scenario.event.eventName?.replace('Replication:', '');
      expect(scenario.description, scenario.name).toContain(named);
    }
  });

  it('have events that parse into one failure of the seed rule, with the key decoded', () => {
    for (const scenario of SCENARIOS) {
      const failure = failureFrom(loadFixture(`${SCENARIOS_DIR}/${scenario.name}/event.json`));
      expect(failure.sourceBucket, scenario.name).toBe(SOURCE_BUCKET);
      expect(failure.ruleId, scenario.name).toBe(RULE_ID);
      expect(failure.key, scenario.name).toBe('finance/2024/q3 report.pdf');
      expect(failure.failureReason, scenario.name).toBe(scenario.event.failureReason);
    }
  });
});

describe('scenario snapshots follow the snapshot contract', () => {
  it('pass the snapshot format check', () => {
    for (const [name, snapshot] of snapshots()) {
      expect(() => parseSnapshot(snapshot, name)).not.toThrow();
    }
  });

  it('record each call with exactly the input fields the contract lists (or a documented extra read)', () => {
    // Beyond the diagnosis's reads, copy in place reads the CURRENT version (HeadObject without VersionId)
    // to refuse copying an outdated one; the demo replays that read too. The contract allows extra records.
    const extraInputs: Record<string, string[]> = { 'S3 HeadObject': ['Bucket', 'Key'] };
    for (const [name, call] of allCalls()) {
      const command = `${call.service} ${call.command}`;
      expect(CONTRACT_INPUTS[command], `${name}: ${command} is not a contract call`).toBeDefined();
      const keys = Object.keys(call.input).sort();
      const allowed = [CONTRACT_INPUTS[command], extraInputs[command]].filter(
        (fields) => fields !== undefined,
      );
      expect(allowed, `${name}: ${command} with input fields ${keys.join(', ')}`).toContainEqual(keys);
    }
  });

  it('record errors as exactly name, message and HTTP status', () => {
    for (const [name, call] of allCalls()) {
      if (call.error === undefined) continue;
      expect(Object.keys(call.error).sort(), `${name}: ${call.command}`).toEqual([
        'httpStatusCode',
        'message',
        'name',
      ]);
      expect('output' in call, `${name}: ${call.command}`).toBe(false);
    }
  });

  it('carry IAM documents URL-encoded, as the IAM API returns them', () => {
    const documents = allCalls().flatMap(([name, { command, output }]) => {
      const role = output?.Role as { AssumeRolePolicyDocument?: string } | undefined;
      const version = output?.PolicyVersion as { Document?: string } | undefined;
      const document =
        command === 'GetRole'
          ? role?.AssumeRolePolicyDocument
          : command === 'GetRolePolicy'
            ? output?.PolicyDocument
            : command === 'GetPolicyVersion'
              ? version?.Document
              : undefined;
      return document === undefined ? [] : [[name, document] as const];
    });
    expect(documents.length).toBeGreaterThan(SCENARIOS.length);
    for (const [name, document] of documents) {
      expect(typeof document, name).toBe('string');
      expect(String(document).startsWith('%7B'), name).toBe(true);
      expect(JSON.parse(decodeURIComponent(String(document))).Statement, name).toBeDefined();
    }
  });

  it('carry bucket and key policies as plain JSON strings', () => {
    const policies = allCalls().filter(
      ([, call]) => (call.command === 'GetBucketPolicy' || call.command === 'GetKeyPolicy') && call.output,
    );
    expect(policies.length).toBeGreaterThan(0);
    for (const [name, call] of policies) {
      expect(JSON.parse(String(call.output?.Policy)).Statement, name).toBeDefined();
    }
  });

  it('answer us-east-1 locations with no constraint and others with the region', () => {
    const locations = allCalls().filter(([, call]) => call.command === 'GetBucketLocation' && call.output);
    for (const [name, call] of locations) {
      const expected = call.input.Bucket === SOURCE_BUCKET ? {} : { LocationConstraint: 'eu-west-1' };
      expect(call.output, name).toEqual(expected);
    }
  });
});
