export {
  IncidentConflictError,
  IncidentInputError,
  IncidentNotFoundError,
  IncidentStoreError,
} from './errors.js';
export {
  incidentIdOf,
  isObjectLevel,
  isRuleLevel,
  opensIncident,
  RULE_LEVEL_LOCATIONS,
} from './incident-id.js';
export { incidentKey, incidentObjectKey, objectSortKey } from './item-keys.js';
export { decideNotices, inhibitorOf, isDue, type NoticeDecision } from './notify-policy.js';
export { createIncidentStore, type IncidentStoreOptions } from './store.js';
export type {
  FailureRecord,
  Incident,
  IncidentNotice,
  IncidentNoticeKind,
  IncidentObject,
  IncidentStatus,
  IncidentStore,
  NotificationClaimKind,
  ObjectState,
  RecordOutcome,
  RedriveInfo,
  RedriveMethod,
  RedriveState,
} from './types.js';
