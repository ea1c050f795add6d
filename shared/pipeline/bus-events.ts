import type { Mode } from '../config.js';
import type { Diagnosis } from '../diagnosis/types.js';
import type { ReplicationFailure } from '../events/types.js';

/** The event the diagnosis function puts on the bus for the action side. Its shape is this project's contract. */
export const DIAGNOSIS_EVENT = {
  source: 's3-replication-doctor.diagnosis',
  detailType: 'Replication Failure Diagnosed',
} as const;

/** The event the intake pipe puts on the bus: the detail is the S3 notification itself. */
export const INTAKE_EVENT = {
  source: 's3-replication-doctor.intake',
  detailType: 'S3 Replication Event',
} as const;

export interface DiagnosisEventDetail {
  failure: ReplicationFailure;
  diagnosis: Diagnosis;
  mode: Mode;
}
