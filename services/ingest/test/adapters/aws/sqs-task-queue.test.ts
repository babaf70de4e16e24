import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsTaskQueue, TaskQueueSendError } from '../../../src/adapters/aws/sqs-task-queue.ts';

const sqs = mockClient(SQSClient);
const URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/IngestChunks';
const queue = () =>
  new SqsTaskQueue(new SQSClient({}), URL, { sleep: async () => {}, maxAttempts: 3 });

describe('Class: SqsTaskQueue', () => {
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  });

  it('sends 10 messages per call, and fewer when they would pass 256 KiB together', async () => {
    const small = Array.from({ length: 12 }, (_, i) => `task ${i}`);
    const large = Array.from({ length: 3 }, () => 'x'.repeat(100 * 1024));

    await queue().send([...small, ...large]);

    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 4, 1]);
    expect(calls[0]?.QueueUrl).toBe(URL);
    expect(calls[0]?.Entries?.[0]).toEqual({ Id: '0', MessageBody: 'task 0' });
  });

  it('sends again the messages SQS refused, and only those', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '1', Code: 'ServiceUnavailable', SenderFault: false }] })
      .resolves({ Failed: [] });

    await queue().send(['a', 'b', 'c']);

    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls[1]?.Entries).toEqual([{ Id: '1', MessageBody: 'b' }]);
  });

  it('fails naming the queue and the error when SQS keeps refusing', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Failed: [{ Id: '0', Code: 'ServiceUnavailable', Message: 'try later', SenderFault: false }],
    });

    const sending = queue().send(['a']);

    await expect(sending).rejects.toThrowError(TaskQueueSendError);
    await expect(sending).rejects.toThrowError(
      `1 task message(s) not sent to ${URL} after 3 attempts`,
    );
  });

  it("sets a received task's retry as its visibility timeout on the queue", async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});

    await queue().retryIn('receipt-1', 120);

    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: URL, ReceiptHandle: 'receipt-1', VisibilityTimeout: 120 },
    ]);
  });
});
