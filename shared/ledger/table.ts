/**
 * The one DynamoDB table of the action side: copy attempts now, incidents later. Tests create it from this
 * definition and `serverless.yml` must declare the same keys, so the two cannot drift apart unnoticed.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Epoch seconds after which DynamoDB may delete an item (the table's TTL attribute). */
export const LEDGER_TTL_ATTRIBUTE = 'expiresAt';

/** A sparse index: only items that set `gsi1pk` (open incidents) appear in it. */
export const LEDGER_GSI1 = 'gsi1';

export const LEDGER_TABLE_DEFINITION = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'gsi1pk', AttributeType: 'S' },
    { AttributeName: 'gsi1sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: LEDGER_GSI1,
      KeySchema: [
        { AttributeName: 'gsi1pk', KeyType: 'HASH' },
        { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
} as const satisfies Omit<CreateTableCommandInput, 'TableName'>;

/** The CreateTable input for a table of this name. */
export function ledgerTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: LEDGER_TABLE_DEFINITION.AttributeDefinitions.map((definition) => ({
      ...definition,
    })),
    KeySchema: LEDGER_TABLE_DEFINITION.KeySchema.map((element) => ({ ...element })),
    GlobalSecondaryIndexes: LEDGER_TABLE_DEFINITION.GlobalSecondaryIndexes.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema.map((element) => ({ ...element })),
      Projection: { ...index.Projection },
    })),
    BillingMode: LEDGER_TABLE_DEFINITION.BillingMode,
  };
}
