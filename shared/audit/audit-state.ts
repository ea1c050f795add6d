/**
 * The last scheduled audit's problems, kept in the ledger table as one item (`pk = AUDIT`, `sk = LATEST`),
 * so the next run can tell new problems from known ones and from fixed ones.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

export interface StoredProblem {
  signature: string;
  /** One line for the "fixed" notice. */
  line: string;
  bucket: string;
  ruleId?: string;
  destinationBucket?: string;
}

export interface AuditState {
  auditedAt: string;
  problems: StoredProblem[];
}

export interface AuditStateStore {
  /** `undefined`: no audit has run yet. */
  load(): Promise<AuditState | undefined>;
  save(state: AuditState): Promise<void>;
}

export const AUDIT_STATE_KEY = { pk: 'AUDIT', sk: 'LATEST' } as const;

export class AuditStateError extends Error {
  override readonly name = 'AuditStateError';
}

function parseProblem(value: unknown): StoredProblem | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const item = value as Record<string, unknown>;
  if (typeof item.signature !== 'string' || typeof item.line !== 'string' || typeof item.bucket !== 'string')
    return undefined;
  return {
    signature: item.signature,
    line: item.line,
    bucket: item.bucket,
    ...(typeof item.ruleId === 'string' ? { ruleId: item.ruleId } : {}),
    ...(typeof item.destinationBucket === 'string' ? { destinationBucket: item.destinationBucket } : {}),
  };
}

export function createAuditStateStore(documents: DynamoDBDocumentClient, tableName: string): AuditStateStore {
  return {
    async load() {
      let item: Record<string, unknown> | undefined;
      try {
        ({ Item: item } = await documents.send(
          new GetCommand({ TableName: tableName, Key: { ...AUDIT_STATE_KEY }, ConsistentRead: true }),
        ));
      } catch (error) {
        throw new AuditStateError(`cannot read the last audit from ${tableName}`, { cause: error });
      }
      if (!item) return undefined;
      const problems = Array.isArray(item.problems) ? item.problems.map(parseProblem) : [];
      return {
        auditedAt: typeof item.auditedAt === 'string' ? item.auditedAt : '',
        problems: problems.filter((problem): problem is StoredProblem => problem !== undefined),
      };
    },
    async save(state) {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...AUDIT_STATE_KEY, auditedAt: state.auditedAt, problems: state.problems },
          }),
        );
      } catch (error) {
        throw new AuditStateError(`cannot store the audit in ${tableName}`, { cause: error });
      }
    },
  };
}
