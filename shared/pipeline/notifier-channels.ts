/** The configured channels with their SDK clients; loaded by configured-notifier.ts on first use. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createSecretResolver } from '../notify/secrets.js';
import type { ChannelConfig } from './configured-notifier.js';
import { createNotifier, type Notifier } from './notifier.js';

export function createChannelNotifier(config: ChannelConfig): Notifier {
  const { region } = config;
  return createNotifier({
    sns: { client: new SNSClient({ region }), topicArn: config.topicArn },
    // Secrets are read at run time and cached five minutes: a rotated token is picked up without a deploy.
    secrets: createSecretResolver({
      ssm: new SSMClient({ region }),
      secretsManager: new SecretsManagerClient({ region }),
      ttlMs: 5 * 60_000,
    }),
    ...(config.slackSecret ? { slackSecret: config.slackSecret } : {}),
    ...(config.slackChannel ? { slackChannel: config.slackChannel } : {}),
    ...(config.webhookSecret ? { webhookSecret: config.webhookSecret } : {}),
  });
}
