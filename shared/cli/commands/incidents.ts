/**
 * `incidents`: what an operator needs between sweeps. List the open incidents, show one (cause, fix,
 * counts, sample objects, re-drive), approve or re-arm its re-drive, resolve it by hand. Reads and writes
 * the ledger table the functions use; honours AWS_ENDPOINT_URL_DYNAMODB, so it works against a local DynamoDB.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Diagnosis } from '../../diagnosis/types.js';
import { createIncidentStore } from '../../incidents/store.js';
import { DEFAULT_SWEEP_SETTINGS, describePlan, planRedrive } from '../../incidents/sweep.js';
import type { Incident, IncidentStore, ObjectState, RedriveInfo } from '../../incidents/types.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { renderTable } from '../table.js';

type Env = Record<string, string | undefined>;

export interface IncidentsDeps {
  store?: IncidentStore;
  env?: Env;
}

export const INCIDENTS_USAGE = `  s3-replication-doctor incidents list [--json] [--table NAME] [--region R]
      The open incidents: id, status, cause, failures, last seen, re-drive state.
  s3-replication-doctor incidents show ID [--json] [--table NAME] [--region R]
      One incident: its cause and fix, counts, sample objects, objects that failed again, re-drive.
  s3-replication-doctor incidents redrive ID [--execute] [--copy-threshold N] [--table NAME] [--region R]
      What the sweep would re-drive (count, method, estimated requests). --execute approves a planned
      re-drive, or re-arms one the circuit breaker stopped, for the next sweep.
  s3-replication-doctor incidents resolve ID [--note TEXT] [--table NAME] [--region R]
      Resolves an incident by hand; a new failure of its cause reopens it.
      The table is --table or LEDGER_TABLE; the region --region or AWS_REGION.`;

const OBJECT_STATES: ObjectState[] = ['failed', 'redriven', 'replicated', 'failed-again'];
const SHOWN_FAILED_AGAIN = 5;

interface Flags {
  table?: string;
  region?: string;
  json: boolean;
  execute: boolean;
  note?: string;
  copyThreshold?: number;
}

/** Runs `incidents <subcommand> ...`; returns the exit status (0 done, 1 refused: nothing changed, 2 bad usage). */
export async function runIncidents(argv: string[], io: CliIo, deps: IncidentsDeps = {}): Promise<number> {
  const [subcommand, ...rest] = argv;
  const env = deps.env ?? process.env;
  const { flags, positionals } = parseIncidentArgs(rest);
  const store = () => deps.store ?? createCliIncidentStore(flags, env);
  switch (subcommand) {
    case 'list':
      expectPositionals(positionals, 0, 'incidents list');
      return listIncidents(store(), flags, io);
    case 'show':
      return showIncident(store(), incidentIdArg(positionals, 'show'), flags, io);
    case 'redrive':
      return redriveIncident(store(), incidentIdArg(positionals, 'redrive'), flags, env, io);
    case 'resolve':
      return resolveIncident(store(), incidentIdArg(positionals, 'resolve'), flags, io);
    case undefined:
    case 'help':
      io.out(`Usage:\n${INCIDENTS_USAGE}`);
      return subcommand === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown incidents command "${subcommand}" (try: list, show, redrive, resolve)`);
  }
}

/** A store on the ledger table; the SDK itself honours AWS_ENDPOINT_URL_DYNAMODB (and AWS_ENDPOINT_URL). */
export function createCliIncidentStore(flags: { table?: string; region?: string }, env: Env): IncidentStore {
  const table = flags.table ?? nonEmpty(env.LEDGER_TABLE);
  if (!table) throw new UsageError('no ledger table: pass --table or set LEDGER_TABLE');
  const region = flags.region ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  if (!region) throw new UsageError('no region: pass --region or set AWS_REGION');
  const endpoint = nonEmpty(env.AWS_ENDPOINT_URL_DYNAMODB);
  const client = new DynamoDBClient({ region, ...(endpoint ? { endpoint } : {}) });
  return createIncidentStore(DynamoDBDocumentClient.from(client), table);
}

function parseIncidentArgs(args: string[]): { flags: Flags; positionals: string[] } {
  const parsed = (() => {
    try {
      return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  })();
  const { values } = parsed;
  const flags: Flags = { json: values.json === true, execute: values.execute === true };
  if (values.table !== undefined) flags.table = requireText(values.table, 'table');
  if (values.region !== undefined) flags.region = requireText(values.region, 'region');
  if (values.note !== undefined) flags.note = requireText(values.note, 'note');
  if (values['copy-threshold'] !== undefined)
    flags.copyThreshold = wholeNumber(values['copy-threshold'], '--copy-threshold');
  return { flags, positionals: parsed.positionals };
}

const OPTIONS = {
  table: { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
  execute: { type: 'boolean' },
  note: { type: 'string' },
  'copy-threshold': { type: 'string' },
} as const;

function requireText(value: string, name: string): string {
  if (value.trim() === '') throw new UsageError(`empty --${name}`);
  return value;
}

function wholeNumber(raw: string, what: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < 0)
    throw new UsageError(`${what} must be a whole number >= 0, got "${raw}"`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value?.trim() ? value.trim() : undefined;
}

function expectPositionals(positionals: string[], count: number, command: string): void {
  if (positionals.length > count)
    throw new UsageError(
      `${command} takes ${count === 0 ? 'no arguments' : 'one incident ID'}, got "${positionals.join(' ')}"`,
    );
}

function incidentIdArg(positionals: string[], command: string): string {
  const [id] = positionals;
  if (!id) throw new UsageError(`missing incident ID: incidents ${command} ID`);
  expectPositionals(positionals, 1, `incidents ${command}`);
  return id;
}

async function findIncident(store: IncidentStore, id: string): Promise<Incident> {
  const incident = await store.get(id);
  if (!incident) throw new UsageError(`no incident ${id} (see: incidents list)`);
  return incident;
}

async function listIncidents(store: IncidentStore, flags: Flags, io: CliIo): Promise<number> {
  const incidents = (await store.listOpen()).sort((a, b) => b.lastSeen.localeCompare(a.lastSeen));
  if (flags.json) {
    io.out(JSON.stringify(incidents, null, 2));
    return 0;
  }
  if (incidents.length === 0) {
    io.out('No open incidents.');
    return 0;
  }
  const rows = incidents.map((incident) => [
    incident.incidentId,
    incident.status,
    causeLine(incident.diagnosis),
    String(incident.count),
    incident.lastSeen,
    incident.redrive?.state ?? '-',
  ]);
  io.out(renderTable(['ID', 'STATUS', 'CAUSE', 'FAILURES', 'LAST SEEN', 'RE-DRIVE'], rows));
  return 0;
}

async function showIncident(store: IncidentStore, id: string, flags: Flags, io: CliIo): Promise<number> {
  const incident = await findIncident(store, id);
  const counts = Object.fromEntries(
    await Promise.all(
      OBJECT_STATES.map(async (state) => [state, await store.countObjects(id, { states: [state] })]),
    ),
  ) as Record<ObjectState, number>;
  const failedAgain: { key: string; versionId?: string; lastError?: string }[] = [];
  for await (const object of store.listObjects(id, { states: ['failed-again'] })) {
    failedAgain.push(object);
    if (failedAgain.length >= SHOWN_FAILED_AGAIN) break;
  }
  if (flags.json) {
    io.out(JSON.stringify({ incident, objects: counts, failedAgain }, null, 2));
    return 0;
  }
  const lines: string[] = [
    `Incident ${incident.incidentId} (${incident.status})`,
    `Route: s3://${incident.sourceBucket} -> s3://${incident.destinationBucket}, rule ${incident.ruleId}`,
    ...describeCause(incident.diagnosis),
    '',
    `Failures: ${incident.count} event(s), first ${incident.firstSeen}, last ${incident.lastSeen}` +
      (incident.failureReasons.length > 0 ? ` (${incident.failureReasons.join(', ')})` : ''),
    `Objects: ${OBJECT_STATES.map((state) => `${counts[state]} ${state}`).join(', ')}`,
    'Sample objects:',
    ...incident.sampleKeys.map(
      (s) => `  s3://${incident.sourceBucket}/${s.key}${s.versionId ? ` (version ${s.versionId})` : ''}`,
    ),
  ];
  if (failedAgain.length > 0) {
    lines.push(
      `Failed again${counts['failed-again'] > failedAgain.length ? ` (first ${failedAgain.length})` : ''}:`,
    );
    for (const object of failedAgain)
      lines.push(
        `  ${object.key}${object.versionId ? ` (version ${object.versionId})` : ''}: ${object.lastError ?? 'no reason recorded'}`,
      );
  }
  lines.push(`Re-drive: ${incident.redrive ? describeRedrive(incident.redrive) : 'none yet'}`);
  if (incident.reopenCount > 0)
    lines.push(`Reopened ${incident.reopenCount} time(s), last ${incident.reopenedAt ?? '?'}`);
  if (incident.resolvedAt) lines.push(`Resolved: ${incident.resolvedAt}`);
  if (incident.note) lines.push(`Note: ${incident.note}`);
  io.out(lines.join('\n'));
  return 0;
}

async function redriveIncident(
  store: IncidentStore,
  id: string,
  flags: Flags,
  env: Env,
  io: CliIo,
): Promise<number> {
  const incident = await findIncident(store, id);
  if (incident.status !== 'open') {
    io.err(`Incident ${id} is resolved: there is nothing to re-drive.`);
    return 1;
  }
  const redrive = incident.redrive;
  if (!flags.execute) {
    io.out(await previewRedrive(store, incident, copyThresholdOf(flags, env)));
    return 0;
  }
  if (redrive === undefined) return nothingToApprove(id, io);
  switch (redrive.state) {
    case 'awaiting-approval': {
      if (await store.approve(id, 'cli')) {
        io.out(
          `Approved: the next sweep will ${describePlan(redrive)}, after checking with fresh reads that the cause is still gone.`,
        );
        return 0;
      }
      io.err(`Incident ${id} changed while approving; nothing was approved. Run "incidents show ${id}".`);
      return 1;
    }
    case 'tripped': {
      const rearmed: RedriveInfo = { ...withoutNote(redrive), state: 'approved', approvedBy: 'cli' };
      if (await store.setRedrive(id, rearmed, { expectState: 'tripped' })) {
        io.out(
          `Re-armed: the circuit breaker had stopped the re-drive (${redrive.note ?? 'no reason recorded'}). The next sweep re-drives the objects still failed once a fresh diagnosis shows the cause is gone.`,
        );
        return 0;
      }
      io.err(`Incident ${id} changed while re-arming; nothing was changed. Run "incidents show ${id}".`);
      return 1;
    }
    case 'approved':
      io.out(
        `Already approved${redrive.approvedBy ? ` by ${redrive.approvedBy}` : ''}: the next sweep re-drives once the cause is gone.`,
      );
      return 0;
    case 'running':
    case 'verifying':
      io.out(`A re-drive is already under way: ${describeRedrive(redrive)}.`);
      return 0;
    case 'done':
      return nothingToApprove(id, io);
    default: {
      const unknown: never = redrive.state;
      throw new Error(`unknown redrive state ${String(unknown)}`);
    }
  }
}

async function previewRedrive(
  store: IncidentStore,
  incident: Incident,
  copyThreshold: number,
): Promise<string> {
  const redrive = incident.redrive;
  const approve = `Run "incidents redrive ${incident.incidentId} --execute" to approve it.`;
  if (redrive === undefined) return previewNewRedrive(store, incident, copyThreshold);
  switch (redrive.state) {
    case 'awaiting-approval':
      return `The sweep plans to ${describePlan(redrive)}; it waits for approval. ${approve}`;
    case 'approved':
      return `Approved${redrive.approvedBy ? ` by ${redrive.approvedBy}` : ''}: the next sweep will ${describePlan(redrive)} once the cause is gone.`;
    case 'running':
    case 'verifying':
      return `A re-drive is under way: ${describeRedrive(redrive)}.`;
    case 'tripped':
      return `The circuit breaker stopped the re-drive: ${redrive.note ?? 'no reason recorded'}\nFix the cause, then run "incidents redrive ${incident.incidentId} --execute" to re-arm it.`;
    case 'done':
      return previewNewRedrive(store, incident, copyThreshold);
    default: {
      const unknown: never = redrive.state;
      throw new Error(`unknown redrive state ${String(unknown)}`);
    }
  }
}

async function previewNewRedrive(
  store: IncidentStore,
  incident: Incident,
  copyThreshold: number,
): Promise<string> {
  const objects = await store.countObjects(incident.incidentId, { states: ['failed'] });
  const plan = planRedrive(objects, copyThreshold);
  return [
    'No re-drive planned yet: the sweep plans one once a fresh diagnosis shows the cause is gone.',
    `Today it would ${describePlan({ ...plan, objects })} (copy threshold ${copyThreshold}).`,
  ].join('\n');
}

function nothingToApprove(id: string, io: CliIo): number {
  io.err(
    `Nothing to approve: the sweep has not planned a re-drive of incident ${id}. It plans one (and waits for approval in plan mode) once a fresh diagnosis shows the cause is gone; fix the cause first (incidents show ${id}).`,
  );
  return 1;
}

async function resolveIncident(store: IncidentStore, id: string, flags: Flags, io: CliIo): Promise<number> {
  const incident = await findIncident(store, id);
  if (incident.status === 'resolved') {
    io.out(`Incident ${id} is already resolved (${incident.resolvedAt ?? 'time unknown'}).`);
    return 0;
  }
  if (await store.resolve(id, flags.note ?? 'resolved by hand with the CLI')) {
    io.out(`Resolved incident ${id}. A new failure of its cause reopens it.`);
    return 0;
  }
  io.err(`Incident ${id} changed while resolving; run "incidents show ${id}".`);
  return 1;
}

function copyThresholdOf(flags: Flags, env: Env): number {
  if (flags.copyThreshold !== undefined) return flags.copyThreshold;
  const raw = nonEmpty(env.COPY_THRESHOLD);
  return raw === undefined ? DEFAULT_SWEEP_SETTINGS.copyThreshold : wholeNumber(raw, 'COPY_THRESHOLD');
}

function causeLine(diagnosis: Diagnosis): string {
  const cause = diagnosis.causes[0];
  if (cause) {
    const more = diagnosis.causes.length > 1 ? ` (+${diagnosis.causes.length - 1})` : '';
    const actions = cause.missingActions.length > 0 ? ` ${cause.missingActions.join(',')}` : '';
    return `${cause.location} / ${cause.problem}${actions}${more}`;
  }
  const check = diagnosis.inconclusive[0];
  return check ? `inconclusive: ${check.check}` : diagnosis.verdict;
}

function describeCause(diagnosis: Diagnosis): string[] {
  const lines: string[] = [];
  for (const cause of diagnosis.causes) {
    lines.push(`Cause: ${cause.location} / ${cause.problem}: ${cause.summary}`);
    if (cause.missingActions.length > 0) lines.push(`  Missing actions: ${cause.missingActions.join(', ')}`);
    lines.push(`Fix: ${cause.fix.summary}`);
    if (cause.fix.policyStatement) lines.push(indent(JSON.stringify(cause.fix.policyStatement, null, 2)));
    for (const command of cause.fix.commands) lines.push(`  $ ${command}`);
  }
  for (const item of diagnosis.inconclusive) {
    lines.push(`Could not tell (${item.check}): ${item.why}`);
    if (item.fix) {
      lines.push(`Fix, if this is the cause: ${item.fix.summary}`);
      for (const command of item.fix.commands) lines.push(`  $ ${command}`);
    }
  }
  if (lines.length === 0) lines.push(`Cause: none recorded (verdict ${diagnosis.verdict})`);
  return lines;
}

function describeRedrive(redrive: RedriveInfo): string {
  const parts = [
    `${redrive.state}, ${redrive.method === 'copy' ? 'copy in place' : 'S3 Batch Replication'} of ${redrive.objects} object(s), about ${redrive.estimatedRequests} request(s)`,
  ];
  if (redrive.jobId) parts.push(`job ${redrive.jobId}`);
  else if (redrive.method === 'batch' && redrive.state === 'running')
    parts.push('job not started yet (batchJobs starts it within minutes)');
  if (redrive.startedAt) parts.push(`started ${redrive.startedAt}`);
  if (redrive.succeeded !== undefined || redrive.failed !== undefined)
    parts.push(`${redrive.succeeded ?? 0} succeeded, ${redrive.failed ?? 0} failed`);
  if (redrive.approvedBy) parts.push(`approved by ${redrive.approvedBy}`);
  if (redrive.jobFailure && !redrive.note) parts.push(redrive.jobFailure);
  if (redrive.note) parts.push(redrive.note);
  return parts.join('; ');
}

function withoutNote(redrive: RedriveInfo): RedriveInfo {
  const { note: _note, jobFailure: _jobFailure, ...rest } = redrive;
  return rest;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
