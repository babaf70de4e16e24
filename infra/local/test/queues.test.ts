import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ManualClock,
  MessageNotInflightError,
  ReceiptHandleIsInvalidError,
  ResourceNotFoundError,
  ValidationError,
} from '../index.ts';
import { RuntimeHarness } from './support/harness.ts';

describe('Class: LocalRuntime', () => {
  let h: RuntimeHarness;

  beforeEach(async () => {
    h = await RuntimeHarness.create({ clock: new ManualClock('2024-03-01T12:00:00.000Z') });
    h.rt.createQueue({ name: 'WorkDLQ' });
    h.rt.createQueue({
      name: 'Work',
      visibilityTimeoutSeconds: 0.05,
      redrivePolicy: { deadLetterQueue: 'WorkDLQ', maxReceiveCount: 2 },
    });
  });

  afterEach(async () => {
    await h.dispose();
  });

  describe('Method: receiveMessages', () => {
    it('returns a sent message with its SQS attributes', () => {
      // Prepare
      const sent = h.rt.sendMessage({
        queue: 'Work',
        body: 'hello',
        attributes: { kind: 'greeting' },
      });

      // Act
      const [message, ...more] = h.rt.receiveMessages({ queue: 'Work' });

      // Assess
      expect(more).toEqual([]);
      expect(message).toEqual({
        messageId: sent.messageId,
        receiptHandle: expect.any(String),
        body: 'hello',
        md5OfBody: '5d41402abc4b2a76b9719d911017c592',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.parse('2024-03-01T12:00:00.000Z')),
          SenderId: '000000000000',
          ApproximateFirstReceiveTimestamp: String(Date.parse('2024-03-01T12:00:00.000Z')),
        },
        messageAttributes: { kind: 'greeting' },
      });
    });

    it('hides a received message until its visibility timeout, then shows it again', () => {
      // Prepare
      h.rt.sendMessage({ queue: 'Work', body: 'job' });

      // Act
      const first = h.rt.receiveMessages({ queue: 'Work' });
      const whileHidden = h.rt.receiveMessages({ queue: 'Work' });
      h.clock.advance(49);
      const justBefore = h.rt.receiveMessages({ queue: 'Work' });
      h.clock.advance(1);
      const again = h.rt.receiveMessages({ queue: 'Work' });

      // Assess
      expect(first).toHaveLength(1);
      expect(whileHidden).toEqual([]);
      expect(justBefore).toEqual([]);
      expect(again.map((m) => [m.body, m.attributes.ApproximateReceiveCount])).toEqual([
        ['job', '2'],
      ]);
    });

    it('uses a visibility timeout given on the receive', () => {
      // Prepare
      h.rt.sendMessage({ queue: 'Work', body: 'job' });

      // Act
      h.rt.receiveMessages({ queue: 'Work', visibilityTimeoutSeconds: 10 });
      h.clock.advance(9_999);
      const justBefore = h.rt.receiveMessages({ queue: 'Work' });
      h.clock.advance(1);
      const after = h.rt.receiveMessages({ queue: 'Work' });

      // Assess
      expect(justBefore).toEqual([]);
      expect(after.map((m) => m.body)).toEqual(['job']);
    });

    it('returns at most maxMessages', () => {
      // Prepare
      for (let i = 0; i < 15; i += 1) h.rt.sendMessage({ queue: 'Work', body: `m${i}` });

      // Act / Assess
      expect(h.rt.receiveMessages({ queue: 'Work', maxMessages: 4 })).toHaveLength(4);
      expect(h.rt.receiveMessages({ queue: 'Work' })).toHaveLength(10);
      expect(() => h.rt.receiveMessages({ queue: 'Work', maxMessages: 11 })).toThrow(
        ValidationError,
      );
    });

    it('moves a message to the dead-letter queue on the receive after maxReceiveCount', () => {
      // Prepare
      h.rt.sendMessage({ queue: 'Work', body: 'poison' });

      // Act
      h.rt.receiveMessages({ queue: 'Work' });
      h.clock.advance(70);
      h.rt.receiveMessages({ queue: 'Work' });
      h.clock.advance(70);
      const third = h.rt.receiveMessages({ queue: 'Work' });

      // Assess
      expect(third).toEqual([]);
      expect(h.rt.peekMessages('Work')).toEqual([]);
      expect(h.rt.peekMessages('WorkDLQ')).toEqual([
        expect.objectContaining({
          body: 'poison',
          errorMessage: 'moved from Work after 2 receives',
        }),
      ]);
    });

    it('refuses a queue that does not exist', () => {
      expect(() => h.rt.receiveMessages({ queue: 'Nope' })).toThrow(ResourceNotFoundError);
    });
  });

  describe('Method: deleteMessage', () => {
    it('deletes a received message for good', () => {
      // Prepare
      h.rt.sendMessage({ queue: 'Work', body: 'done' });
      const [message] = h.rt.receiveMessages({ queue: 'Work' });

      // Act
      h.rt.deleteMessage({ queue: 'Work', receiptHandle: message?.receiptHandle ?? '' });
      h.clock.advance(80);

      // Assess
      expect(h.rt.receiveMessages({ queue: 'Work' })).toEqual([]);
      expect(h.rt.peekMessages('Work')).toEqual([]);
    });

    it('ignores a stale receipt handle from an earlier receive, as SQS does', () => {
      // Prepare
      h.rt.sendMessage({ queue: 'Work', body: 'job' });
      const [stale] = h.rt.receiveMessages({ queue: 'Work' });
      h.clock.advance(80);
      h.rt.receiveMessages({ queue: 'Work' });

      // Act
      h.rt.deleteMessage({ queue: 'Work', receiptHandle: stale?.receiptHandle ?? '' });

      // Assess
      expect(h.rt.peekMessages('Work')).toHaveLength(1);
    });

    it('refuses a receipt handle it never issued', () => {
      expect(() => h.rt.deleteMessage({ queue: 'Work', receiptHandle: 'garbage' })).toThrow(
        ReceiptHandleIsInvalidError,
      );
    });
  });

  describe('Method: changeMessageVisibility', () => {
    it('shows a received message again when its new timeout, counted from now, runs out', () => {
      // Prepare
      h.rt.sendMessage({ queue: 'Work', body: 'job' });
      const [message] = h.rt.receiveMessages({ queue: 'Work', visibilityTimeoutSeconds: 3_600 });
      h.clock.advance(1_000);

      // Act
      h.rt.changeMessageVisibility({
        queue: 'Work',
        receiptHandle: message?.receiptHandle ?? '',
        visibilityTimeoutSeconds: 5,
      });
      h.clock.advance(4_999);
      const justBefore = h.rt.receiveMessages({ queue: 'Work' });
      h.clock.advance(1);
      const after = h.rt.receiveMessages({ queue: 'Work' });

      // Assess
      expect(justBefore).toEqual([]);
      expect(after.map((m) => [m.body, m.attributes.ApproximateReceiveCount])).toEqual([
        ['job', '2'],
      ]);
    });

    it('refuses a message that is not in flight under the handle, a handle it never issued, and a timeout over 12 hours', () => {
      // Prepare
      h.rt.sendMessage({ queue: 'Work', body: 'job' });
      const [stale] = h.rt.receiveMessages({ queue: 'Work' });
      h.clock.advance(80);
      const change = (receiptHandle: string, visibilityTimeoutSeconds: number) => () =>
        h.rt.changeMessageVisibility({ queue: 'Work', receiptHandle, visibilityTimeoutSeconds });

      // Act and assess
      expect(change(stale?.receiptHandle ?? '', 10)).toThrow(MessageNotInflightError);
      expect(change('garbage', 10)).toThrow(ReceiptHandleIsInvalidError);
      const [current] = h.rt.receiveMessages({ queue: 'Work' });
      expect(change(current?.receiptHandle ?? '', 43_201)).toThrow(ValidationError);
      expect(change(current?.receiptHandle ?? '', 43_200)).not.toThrow();
    });
  });

  describe('Method: peekMessages', () => {
    it('lists messages without receiving them, with their receive counts and visibility', () => {
      // Prepare
      h.rt.sendMessage({ queue: 'Work', body: 'a' });
      h.rt.sendMessage({ queue: 'Work', body: 'b' });
      h.rt.receiveMessages({ queue: 'Work', maxMessages: 1 });

      // Act
      const listed = h.rt.peekMessages('Work');

      // Assess
      expect(listed.map((m) => [m.body, m.receiveCount, m.visible])).toEqual([
        ['a', 1, false],
        ['b', 0, true],
      ]);
      expect(listed[0]).toMatchObject({ sentAt: '2024-03-01T12:00:00.000Z', attributes: {} });
    });
  });

  describe('Method: listQueues', () => {
    it('lists every queue by name with its dead-letter queue and its visible and in-flight messages', () => {
      // Prepare
      h.rt.sendMessage({ queue: 'Work', body: 'a' });
      h.rt.sendMessage({ queue: 'Work', body: 'b' });
      h.rt.sendMessage({ queue: 'WorkDLQ', body: 'c' });
      h.rt.receiveMessages({ queue: 'Work', maxMessages: 1 });

      // Act
      const queues = h.rt.listQueues();

      // Assess
      expect(queues).toEqual([
        {
          name: 'Work',
          arn: expect.stringMatching(/:Work$/),
          deadLetterQueue: 'WorkDLQ',
          visible: 1,
          inFlight: 1,
        },
        { name: 'WorkDLQ', arn: expect.stringMatching(/:WorkDLQ$/), visible: 1, inFlight: 0 },
      ]);
    });
  });

  describe('Method: moveMessages', () => {
    it('redrives a dead-letter queue back to its source queue by default', () => {
      // Prepare
      h.rt.sendMessage({ queue: 'WorkDLQ', body: 'retry me' });
      h.rt.sendMessage({ queue: 'WorkDLQ', body: 'me too' });

      // Act
      const moved = h.rt.moveMessages({ from: 'WorkDLQ' });

      // Assess
      expect(moved).toBe(2);
      expect(h.rt.peekMessages('WorkDLQ')).toEqual([]);
      expect(
        h.rt
          .receiveMessages({ queue: 'Work' })
          .map((m) => m.body)
          .sort(),
      ).toEqual(['me too', 'retry me']);
    });

    it('moves to a named queue', () => {
      // Prepare
      h.rt.createQueue({ name: 'Elsewhere' });
      h.rt.sendMessage({ queue: 'Work', body: 'x' });

      // Act
      const moved = h.rt.moveMessages({ from: 'Work', to: 'Elsewhere' });

      // Assess
      expect(moved).toBe(1);
      expect(h.rt.peekMessages('Elsewhere').map((m) => m.body)).toEqual(['x']);
    });

    it('needs a destination for a queue that is nobody’s dead-letter queue', () => {
      expect(() => h.rt.moveMessages({ from: 'Work' })).toThrow(ValidationError);
    });
  });

  describe('Method: createQueue', () => {
    it('refuses a redrive policy naming a queue that does not exist', () => {
      expect(() =>
        h.rt.createQueue({
          name: 'Orphan',
          redrivePolicy: { deadLetterQueue: 'Missing', maxReceiveCount: 3 },
        }),
      ).toThrow(ResourceNotFoundError);
    });

    it('is idempotent and answers the queue ARN', () => {
      expect(h.rt.createQueue({ name: 'WorkDLQ' })).toEqual({
        queueUrl: 'local://sqs/000000000000/WorkDLQ',
        queueArn: 'arn:aws:sqs:local-1:000000000000:WorkDLQ',
      });
    });
  });
});
