import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectAclCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import {
  countCopyRequests,
  executeCopyInPlace,
  planCopyInPlace,
  RequestPacer,
} from '../shared/remediation/copy-in-place.js';
import type { Section } from './lib/report.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

interface Measured {
  requests: number;
  parts: number;
  maxInFlight: number;
}

/** Runs the real planner and copier against a mock S3 that counts every request and the parts in flight. */
async function measureCopy(sizeBytes: number, aclsEnabled: boolean): Promise<Measured> {
  const s3 = mockClient(S3Client);
  let requests = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  s3.onAnyCommand().callsFake(() => {
    requests += 1;
    return {};
  });
  s3.on(HeadObjectCommand).callsFake(() => {
    requests += 1;
    return {
      VersionId: 'v1',
      ETag: '"etag"',
      ContentLength: sizeBytes,
      ContentType: 'application/octet-stream',
    };
  });
  s3.on(GetObjectAclCommand).callsFake(() => {
    requests += 1;
    return {
      Owner: { ID: 'owner' },
      Grants: [{ Grantee: { ID: 'owner', Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }],
    };
  });
  s3.on(CopyObjectCommand).callsFake(() => {
    requests += 1;
    return { VersionId: 'v2' };
  });
  s3.on(CreateMultipartUploadCommand).callsFake(() => {
    requests += 1;
    return { UploadId: 'upload' };
  });
  s3.on(UploadPartCopyCommand).callsFake(async () => {
    requests += 1;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight -= 1;
    return { CopyPartResult: { ETag: '"part"' } };
  });
  s3.on(CompleteMultipartUploadCommand).callsFake(() => {
    requests += 1;
    return { VersionId: 'v2' };
  });
  const client = new S3Client({ region: 'us-east-1' });
  const pacer = new RequestPacer({ ratePerSecond: 1_000_000, burst: 1_000_000 });
  const plan = await planCopyInPlace(
    client,
    { bucket: 'src', key: 'data.bin', versionId: 'v1' },
    { aclsEnabled, pacer },
  );
  if (plan.kind !== 'copy') throw new Error(`copy of ${sizeBytes} bytes refused: ${plan.reason}`);
  const result = await executeCopyInPlace(client, plan, { pacer });
  s3.restore();
  return { requests, parts: result.parts ?? 0, maxInFlight };
}

export async function benchCopy(): Promise<Section> {
  const sizes: [string, number][] = [
    ['1 KiB', 1024],
    ['100 MiB', 100 * MiB],
    ['5 GiB (single-copy limit)', 5 * GiB],
    ['6 GiB', 6 * GiB],
    ['50 GiB', 50 * GiB],
  ];
  const rows: string[][] = [];
  for (const [label, size] of sizes) {
    for (const acls of [false, true]) {
      const measured = await measureCopy(size, acls);
      const computed = countCopyRequests(size, { aclsEnabled: acls });
      if (computed.requests !== measured.requests) {
        throw new Error(
          `${label}: measured ${measured.requests} requests, the cost model says ${computed.requests}`,
        );
      }
      rows.push([
        label,
        acls ? 'enabled' : 'disabled (owner enforced)',
        String(measured.requests),
        measured.parts ? String(measured.parts) : '-',
        measured.parts ? String(measured.maxInFlight) : '-',
      ]);
    }
  }
  return {
    title: 'Copy in place: requests per object',
    about:
      'The real planner and copier against a mock S3 that counts each request (no retries). Up to 5 GiB: HeadObject + CopyObject, ' +
      'plus GetObjectAcl only where the bucket has ACLs enabled; above: multipart copy in 512 MiB parts, at most 8 in flight.',
    header: ['object size', 'bucket ACLs', 'requests', 'parts', 'parts in flight (max)'],
    rows,
  };
}
