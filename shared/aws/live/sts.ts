import type { AssumeRoleRequest, AssumeRoleResponse } from '@aws-sdk/client-sts';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { ClientConfig, LiveService, SendingClient } from './service.js';

export const service: LiveService = {
  client: (config) => new STSClient(config) as unknown as SendingClient,
  commands: {
    GetCallerIdentity: GetCallerIdentityCommand,
  },
};

/** AssumeRole with a client of its own (source credentials), for the destination read role. */
export function assumeRoleSender(
  config: ClientConfig,
): (input: AssumeRoleRequest) => Promise<AssumeRoleResponse> {
  const sts = new STSClient(config);
  return (input) => sts.send(new AssumeRoleCommand(input));
}
