/**
 * A real DynamoDB API on loopback: dynalite, in process, with the ledger table created from the same
 * definition `serverless.yml` uses.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ledgerTableInput } from '../../shared/ledger/index.js';

interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite ships no type declarations; this is the one function it exports.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: DynaliteOptions) => Server;

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** Creates a ledger table with a fresh name, so tests do not see each other's items. */
  createLedgerTable(): Promise<string>;
  stop(): Promise<void>;
}

let tables = 0;

export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const doc = DynamoDBDocumentClient.from(client);
  return {
    endpoint,
    client,
    doc,
    async createLedgerTable() {
      tables += 1;
      const name = `ledger-${process.pid}-${tables}`;
      await client.send(new CreateTableCommand(ledgerTableInput(name)));
      // Even with createTableMs 0 the table turns ACTIVE a tick later; writes before that are refused.
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
        if (Table?.TableStatus === 'ACTIVE') return name;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      throw new Error(`table ${name} did not become ACTIVE`);
    },
    async stop() {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
