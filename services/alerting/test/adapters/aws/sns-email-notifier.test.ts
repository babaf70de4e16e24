import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnsEmailNotifier } from '../../../src/adapters/aws/sns-email-notifier.ts';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:txnflow-dev-alerting-HighBalanceAlert';

describe('Class: SnsEmailNotifier', () => {
  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  describe('Method: send', () => {
    it('publishes the email to the topic, subject and body', async () => {
      await new SnsEmailNotifier(new SNSClient({}), TOPIC).send({
        subject: 'Warning! Account balance is very high',
        body: 'Dear customer C2,\n',
      });

      expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
        TopicArn: TOPIC,
        Subject: 'Warning! Account balance is very high',
        Message: 'Dear customer C2,\n',
      });
    });

    it("answers SNS's message id, which names the email in the logs", async () => {
      const sent = await new SnsEmailNotifier(new SNSClient({}), TOPIC).send({
        subject: 's',
        body: 'b',
      });

      expect(sent).toEqual({ messageId: 'm-1' });
    });

    it('cuts a subject to the 100 characters SNS accepts', async () => {
      await new SnsEmailNotifier(new SNSClient({}), TOPIC).send({
        subject: 's'.repeat(150),
        body: 'b',
      });

      expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toHaveLength(100);
    });

    it('fails loudly when SNS refuses, so the delivery is retried', async () => {
      sns.on(PublishCommand).rejects(new Error('KMSAccessDenied'));

      await expect(
        new SnsEmailNotifier(new SNSClient({}), TOPIC).send({ subject: 's', body: 'b' }),
      ).rejects.toThrowError('KMSAccessDenied');
    });
  });
});
