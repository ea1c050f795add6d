import { describe, expect, it } from 'vitest';
import { buildNotification, type IncidentLine } from '../../shared/notify/notification.js';
import { renderNotificationText } from '../../shared/notify/notification-text.js';
import { buildSlackMessage } from '../../shared/notify/slack.js';
import { buildSnsPublish } from '../../shared/notify/sns.js';
import { rootCause } from './diagnoses.js';

const incident = (state: IncidentLine['state'], extra: Partial<IncidentLine> = {}): IncidentLine => ({
  id: '0123456789abcdef',
  state,
  count: 100_000,
  firstSeen: '2026-11-25T08:00:00.000Z',
  lastSeen: '2026-11-25T08:42:00.000Z',
  ...extra,
});

describe('notifications that speak for an incident', () => {
  it('name the incident, its size and time span in the text, the Slack message and the SNS attributes', () => {
    const n = buildNotification({
      diagnoses: [rootCause()],
      mode: 'plan',
      decision: 'notify',
      incident: incident('opened'),
    });

    expect(n.title).toMatch(/^Incident opened: Replication blocked/);
    expect(n.title).toContain('(100000 objects)');
    const line =
      'Incident 0123456789abcdef (opened): 100000 failures from 2026-11-25T08:00:00.000Z to 2026-11-25T08:42:00.000Z';
    expect(renderNotificationText(n)).toContain(line);
    expect(JSON.stringify(buildSlackMessage(n).blocks)).toContain(line);
    expect(buildSnsPublish(n, 'arn:aws:sns:us-east-1:123456789012:t').MessageAttributes).toMatchObject({
      incident: { DataType: 'String', StringValue: '0123456789abcdef' },
      incidentState: { DataType: 'String', StringValue: 'opened' },
    });
  });

  it('marks a resolution as information, with its numbers', () => {
    const n = buildNotification({
      diagnoses: [rootCause()],
      mode: 'auto',
      decision: 'notify',
      incident: incident('resolved', {
        numbers: { redriven: 100_000, failedAgain: 0, timeToRepairMinutes: 42 },
      }),
    });

    expect(n.severity).toBe('info');
    expect(n.title).toMatch(/^Resolved: /);
    expect(renderNotificationText(n)).toContain('redriven 100000, failedAgain 0, timeToRepairMinutes 42');
  });

  it('leaves a notification without an incident as it was', () => {
    const n = buildNotification({ diagnoses: [rootCause()], mode: 'plan', decision: 'notify' });

    expect(n.incident).toBeUndefined();
    expect(n.title).toMatch(/^Replication blocked/);
    expect(
      buildSnsPublish(n, 'arn:aws:sns:us-east-1:123456789012:t').MessageAttributes?.incident,
    ).toBeUndefined();
  });
});
