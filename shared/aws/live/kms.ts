import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListGrantsCommand } from '@aws-sdk/client-kms';
import type { LiveService, SendingClient } from './service.js';

export const service: LiveService = {
  client: (config) => new KMSClient(config) as unknown as SendingClient,
  commands: {
    DescribeKey: DescribeKeyCommand,
    GetKeyPolicy: GetKeyPolicyCommand,
    ListGrants: ListGrantsCommand,
  },
};
