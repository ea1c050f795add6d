/**
 * The notifier every deployed function uses: the stack's topic, and Slack and a webhook when configured.
 * Its channels (SNS, the secret stores, Slack and webhook senders) are loaded on the first notification: a
 * sweep with nothing to report, or an act batch inside an open incident's quiet interval, never loads them.
 */
import { onFirstUse } from '../on-first-use.js';
import type { Notifier } from './notifier.js';

/** The channels a deployed function is configured with (its environment, read once at start). */
export interface ChannelConfig {
  region: string;
  topicArn: string;
  slackSecret?: string;
  slackChannel?: string;
  webhookSecret?: string;
}

export function createConfiguredNotifier(config: ChannelConfig): Notifier {
  const channels = onFirstUse(async () =>
    (await import('./notifier-channels.js')).createChannelNotifier(config),
  );
  return {
    async notify(notification, options) {
      return (await channels()).notify(notification, options);
    },
  };
}
