import type { Mode } from '../config.js';
import type { IncidentNotice } from '../incidents/types.js';
import { buildNotification } from '../notify/notification.js';
import type { Notifier } from './notifier.js';

/**
 * Sends a sweep's notice about an incident: a still-open digest, a planned or started re-drive, a resolution
 * or a reopening. It goes to SNS and the webhook, and edits the incident's Slack message in place (one living
 * message per incident) when there is one.
 */
export async function sendIncidentNotice(notifier: Notifier, notice: IncidentNotice, mode: Mode) {
  const { incident } = notice;
  const notification = buildNotification({
    diagnoses: [incident.diagnosis],
    mode,
    decision: 'notify',
    incident: {
      id: incident.incidentId,
      state: notice.kind,
      count: incident.count,
      firstSeen: incident.firstSeen,
      lastSeen: incident.lastSeen,
      ...(notice.details ? { details: notice.details } : {}),
      ...(notice.numbers ? { numbers: notice.numbers } : {}),
    },
  });
  return notifier.notify(notification, incident.slack ? { slackMessage: incident.slack } : {});
}
