import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const EVENTS_DIR = fileURLToPath(new URL('../../events/', import.meta.url));

export type SampleFolder = 'records' | 'envelopes' | 'invalid';

export function listSamples(folder: SampleFolder): string[] {
  return readdirSync(`${EVENTS_DIR}${folder}`).sort();
}

export function readSampleText(folder: SampleFolder, file: string): string {
  return readFileSync(`${EVENTS_DIR}${folder}/${file}`, 'utf8');
}

export function readSampleJson(folder: SampleFolder, file: string): unknown {
  return JSON.parse(readSampleText(folder, file));
}

type Fields = Record<string, unknown>;

/** The parts of a notification record tests vary; everything else is carried along untouched. */
export interface SampleRecord extends Fields {
  s3: Fields & { bucket: Fields; object: Fields };
  replicationEventData: Fields;
}

/** A fresh, mutable copy of the one record in a `records/` sample, for tests that vary a field. */
export function sampleRecord(file = 'DstPutObjectNotPermitted.json'): SampleRecord {
  const notification = readSampleJson('records', file) as { Records: SampleRecord[] };
  const [record] = notification.Records;
  if (!record) throw new Error(`${file} holds no record`);
  return record;
}
