import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import type { LiveService, SendingClient } from './service.js';

export const service: LiveService = {
  client: (config) => new IAMClient(config) as unknown as SendingClient,
  commands: {
    GetRole: GetRoleCommand,
    ListRolePolicies: ListRolePoliciesCommand,
    GetRolePolicy: GetRolePolicyCommand,
    ListAttachedRolePolicies: ListAttachedRolePoliciesCommand,
    GetPolicy: GetPolicyCommand,
    GetPolicyVersion: GetPolicyVersionCommand,
  },
};
