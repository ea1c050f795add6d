/**
 * Every S3 permission the failure implicates, evaluated for the concrete resources S3 really touches
 * (`arn:aws:s3:::SRC` for bucket actions, `SRC/<key>` and `DST/<key>` for object actions) against the
 * role's identity policies, its permissions boundary and the bucket policy. Evaluating the concrete
 * object ARN is what catches a statement written for `arn:aws:s3:::bucket` instead of `bucket/*`.
 * The checks split one evaluation by layer: identity and boundary belong to the role, the resource layer
 * to the bucket policy of that side.
 */
import { evaluateAccess } from '../policy/access.js';
import type { AccessResult, RequestContext } from '../policy/api.js';
import { s3RequestContext } from '../policy/replication-context.js';
import type { NamedPolicy, PolicyDocument } from '../policy/types.js';
import { bucketArn, objectArn, objectsArn } from './arns.js';
import { type DiagnosisContext, deniedWhy, unreadWhy } from './context.js';
import type { ActionFocus } from './plans.js';
import type { Read, Side } from './reads.js';
import {
  type ActionFeatures,
  type ActionTarget,
  type RequiredAction,
  requiredActions,
  targetOf,
} from './required-actions.js';
import { type RolePolicies, rolePolicies } from './role-state.js';
import { carriesObjectLock, isKmsEncryption, ownerOverride, replicaKmsKeyId } from './rule-features.js';
import { type DestinationAccount, destinationAccount, type RuleState, ruleState } from './rule-state.js';

export type PolicyState =
  /** `policy` absent: the bucket has no policy. */
  | { status: 'ok'; policy?: NamedPolicy }
  | { status: 'unreadable'; why: string }
  | { status: 'bucket-not-found'; why: string }
  /** No implicated action is on this side's bucket, so its policy was not read. */
  | { status: 'not-needed' };

export interface S3Evaluation {
  need: RequiredAction;
  side: Side;
  bucket: string;
  /** The concrete ARN evaluated. */
  resource: string;
  /** The ARN pattern a fix grants on. */
  pattern: string;
  request: RequestContext;
  result: AccessResult;
}

export type RuleOk = Extract<RuleState, { status: 'ok' }>;

export type S3Access =
  | {
      status: 'ok';
      rule: RuleOk;
      roles: RolePolicies;
      destination: DestinationAccount;
      features: ActionFeatures;
      requirements: RequiredAction[];
      evaluations: S3Evaluation[];
      sourcePolicy: PolicyState;
      destinationPolicy: PolicyState;
      /** What could not be established about the rule's needs (e.g. tags unreadable). */
      notes: string[];
    }
  | { status: 'absent' }
  | { status: 'unreadable'; why: string };

export const sideOf = (target: ActionTarget): Side =>
  target === 'destination-object' ? 'destination' : 'source';

/** The sides whose bucket policy the plan's actions touch, known before anything is read. */
function sidesNeeded(actions: 'all' | readonly ActionFocus[]): Set<Side> {
  if (actions === 'all') return new Set<Side>(['source', 'destination']);
  return new Set(actions.map((focus) => sideOf(targetOf(focus.action))));
}

function policyState(read: Read<PolicyDocument | null> | undefined, bucket: string): PolicyState {
  if (read === undefined) return { status: 'not-needed' };
  switch (read.status) {
    case 'ok':
      return read.value === null
        ? { status: 'ok' }
        : {
            status: 'ok',
            policy: { name: `bucket policy of ${bucket}`, kind: 'bucket', document: read.value },
          };
    case 'not-found':
      return { status: 'bucket-not-found', why: `the bucket ${bucket} does not exist` };
    case 'denied':
      return { status: 'unreadable', why: deniedWhy('s3:GetBucketPolicy', bucket, read) };
    default: {
      const unhandled: never = read;
      throw new TypeError(`unhandled read ${JSON.stringify(unhandled)}`);
    }
  }
}

export function s3Access(ctx: DiagnosisContext): Promise<S3Access> {
  return ctx.derive('s3-access', async (): Promise<S3Access> => {
    const { plan, failure } = ctx;
    const all = plan.actions === 'all';
    const objectScope = plan.scope === 'object';
    const sides = sidesNeeded(plan.actions);
    const roles = rolePolicies(ctx);
    const [rule, tags, sourceLock, head, sourcePolicyRead, destinationPolicyRead] = await Promise.all([
      ruleState(ctx),
      all && objectScope ? ctx.tagging() : undefined,
      all ? ctx.sourceObjectLock() : undefined,
      objectScope ? ctx.head() : undefined,
      sides.has('source') ? ctx.sourcePolicy() : undefined,
      sides.has('destination') ? ctx.destinationPolicy() : undefined,
    ]);
    if (rule.status !== 'ok') return rule;

    const notes: string[] = [];
    const features: ActionFeatures = rule.rule ? { rule: rule.rule } : {};
    if (tags?.status === 'ok') features.objectHasTags = tags.value.length > 0;
    else if (tags?.status === 'denied') {
      notes.push(
        `${deniedWhy('s3:GetObjectTagging', failure.key, tags)}; s3:GetObjectVersionTagging was not checked`,
      );
    }
    const headLock = head?.status === 'ok' && carriesObjectLock(head.value);
    if (sourceLock?.status === 'ok') {
      features.sourceObjectLock = sourceLock.value?.ObjectLockEnabled === 'Enabled' || headLock;
    } else if (headLock) features.sourceObjectLock = true;

    const wantsOwnership =
      rule.rule !== undefined &&
      ownerOverride(rule.rule) &&
      (plan.actions === 'all' ||
        plan.actions.some((focus) => focus.action === 's3:ObjectOwnerOverrideToBucketOwner'));
    if (wantsOwnership) {
      const ownership = await ctx.destinationOwnership();
      if (ownership.status === 'ok') {
        features.destinationOwnershipEnforced =
          ownership.value?.Rules.some((r) => r.ObjectOwnership === 'BucketOwnerEnforced') ?? false;
      } else {
        notes.push(
          `${unreadWhy('s3:GetBucketOwnershipControls', ctx.destinationBucket, ownership)}; s3:ObjectOwnerOverrideToBucketOwner is assumed needed`,
        );
      }
    }

    const requirements = requiredActions(plan.actions, features, failure.failureReason);
    const destination = destinationAccount(rule);
    const sourcePolicy = policyState(sourcePolicyRead, ctx.sourceBucket);
    const destinationPolicy = policyState(destinationPolicyRead, ctx.destinationBucket);
    const roleState = await roles;
    const identityPolicies = roleState.status === 'ok' ? roleState.identityPolicies : [];
    const permissionsBoundary = roleState.status === 'ok' ? roleState.boundary : undefined;

    // The headers S3 sends when it writes an encrypted replica, for bucket policies that condition on them.
    const sse = head?.status === 'ok' ? head.value.ServerSideEncryption : undefined;
    const replicaKey = rule.rule ? replicaKmsKeyId(rule.rule) : undefined;

    const evaluations = requirements.map((need): S3Evaluation => {
      const side = sideOf(need.target);
      const bucket = side === 'source' ? ctx.sourceBucket : ctx.destinationBucket;
      const resource = need.target === 'source-bucket' ? bucketArn(bucket) : objectArn(bucket, failure.key);
      const pattern = need.target === 'source-bucket' ? bucketArn(bucket) : objectsArn(bucket);
      const resourceAccount = side === 'destination' ? destination.account : rule.roleAccount;
      const context = s3RequestContext({
        roleArn: rule.roleArn,
        roleAccount: rule.roleAccount,
        resourceAccount,
        ...(side === 'source' ? { region: failure.awsRegion } : {}),
        ...(side === 'destination' && sse ? { serverSideEncryption: sse } : {}),
        ...(side === 'destination' && isKmsEncryption(sse) && replicaKey ? { kmsKeyId: replicaKey } : {}),
      });
      const request: RequestContext = {
        principalArn: rule.roleArn,
        principalAccount: rule.roleAccount,
        action: need.action,
        resource,
        resourceAccount,
        context,
      };
      const policy = side === 'source' ? sourcePolicy : destinationPolicy;
      const result = evaluateAccess({
        request,
        identityPolicies,
        ...(permissionsBoundary ? { permissionsBoundary } : {}),
        ...(policy.status === 'ok' && policy.policy ? { resourcePolicy: policy.policy } : {}),
        resourceType: 's3',
      });
      return { need, side, bucket, resource, pattern, request, result };
    });

    return {
      status: 'ok',
      rule,
      roles: roleState,
      destination,
      features,
      requirements,
      evaluations,
      sourcePolicy,
      destinationPolicy,
      notes,
    };
  });
}
