import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import type { LiveService, SendingClient } from './service.js';

export const service: LiveService = {
  client: (config) => new OrganizationsClient(config) as unknown as SendingClient,
  commands: {
    DescribeOrganization: DescribeOrganizationCommand,
  },
};
