export {
  type CustomResourceResponse,
  type EnrolmentResourceDeps,
  handleEnrolmentResource,
  PHYSICAL_RESOURCE_ID,
  sendResponse,
} from './custom-resource.js';
export { documentText, unifiedDiff } from './diff.js';
export {
  CustomResourceResponseError,
  EnrolRefusedError,
  EnrolS3Error,
  EnrolVerificationError,
} from './errors.js';
export {
  type EnrolOptions,
  type EnrolOutcome,
  enrolBucket,
  readEnrolmentState,
  unenrolBucket,
} from './execute.js';
export { planEnrolment, planUnenrolment } from './plan.js';
export * from './types.js';
