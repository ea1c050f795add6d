import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createBusPublisher } from '../../shared/aws/event-bus.js';

const eventBridge = mockClient(EventBridgeClient);

const entry = (n: number, padding = '') => ({
  source: 'test.source',
  detailType: 'Test',
  detail: { n, padding },
});

describe('bus publisher', () => {
  beforeEach(() => {
    eventBridge.reset();
  });

  it('sends at most 10 entries per PutEvents call, to the configured bus', async () => {
    // Prepare
    eventBridge
      .on(PutEventsCommand)
      .callsFake((input) => ({ Entries: input.Entries.map(() => ({ EventId: 'e' })) }));
    const publisher = createBusPublisher(new EventBridgeClient({ region: 'us-east-1' }), 'doctor-bus');

    // Act
    const result = await publisher.publish(Array.from({ length: 23 }, (_, i) => entry(i)));

    // Assess
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    expect(calls[0]?.args[0].input.Entries?.[0]).toMatchObject({
      EventBusName: 'doctor-bus',
      Source: 'test.source',
      DetailType: 'Test',
      Detail: JSON.stringify({ n: 0, padding: '' }),
    });
    expect(result.failedIndexes).toEqual([]);
  });

  it('splits calls so that none exceeds 256 KiB', async () => {
    eventBridge
      .on(PutEventsCommand)
      .callsFake((input) => ({ Entries: input.Entries.map(() => ({ EventId: 'e' })) }));
    const publisher = createBusPublisher(new EventBridgeClient({ region: 'us-east-1' }), 'bus');

    await publisher.publish([
      entry(1, 'x'.repeat(100_000)),
      entry(2, 'x'.repeat(100_000)),
      entry(3, 'x'.repeat(100_000)),
    ]);

    expect(
      eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.length),
    ).toEqual([2, 1]);
  });

  it('reports the positions of entries EventBridge rejected, and of an entry too large to send', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => ({
      FailedEntryCount: 1,
      Entries: input.Entries.map((_: unknown, i: number) =>
        i === 1 ? { ErrorCode: 'InternalFailure' } : { EventId: 'e' },
      ),
    }));
    const publisher = createBusPublisher(new EventBridgeClient({ region: 'us-east-1' }), 'bus');

    const result = await publisher.publish([entry(0), entry(1), entry(2, 'x'.repeat(300_000)), entry(3)]);

    expect(result.failedIndexes).toEqual([1, 2]);
  });

  it('fails only the entries of a call that threw, not the whole batch', async () => {
    let call = 0;
    eventBridge.on(PutEventsCommand).callsFake((input) => {
      call += 1;
      if (call === 1) throw Object.assign(new Error('rate exceeded'), { name: 'ThrottlingException' });
      return { Entries: input.Entries.map(() => ({ EventId: 'e' })) };
    });
    const publisher = createBusPublisher(
      new EventBridgeClient({ region: 'us-east-1', maxAttempts: 1 }),
      'bus',
    );

    const result = await publisher.publish(Array.from({ length: 12 }, (_, i) => entry(i)));

    expect(result.failedIndexes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
