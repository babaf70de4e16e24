import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DATABASE_FILE,
  ManualClock,
  parseEmail,
  ResourceNotFoundError,
  ValidationError,
} from '../index.ts';
import { IDLE, orderPlaced, RuntimeHarness, routeOrders } from './support/harness.ts';

describe('Class: LocalRuntime', () => {
  let h: RuntimeHarness;

  beforeEach(async () => {
    h = await RuntimeHarness.create({ clock: new ManualClock('2024-03-01T12:00:00.000Z') });
    h.rt.createTopic({ name: 'Alerts' });
  });

  afterEach(async () => {
    await h.dispose();
  });

  describe('Method: publish', () => {
    it('wraps the message in the SNS notification envelope for a queue subscription', () => {
      // Prepare
      h.rt.createQueue({ name: 'AlertCopies' });
      h.rt.subscribe({ topic: 'Alerts', protocol: 'sqs', queue: 'AlertCopies' });

      // Act
      const { MessageId } = h.rt.publish({
        topic: 'Alerts',
        subject: 'High balance',
        message: 'C2 at 1750.00',
      });

      // Assess
      const [message] = h.rt.peekMessages('AlertCopies');
      expect(JSON.parse(message?.body ?? '{}')).toEqual({
        Type: 'Notification',
        MessageId,
        TopicArn: 'arn:aws:sns:local-1:000000000000:Alerts',
        Subject: 'High balance',
        Message: 'C2 at 1750.00',
        Timestamp: '2024-03-01T12:00:00.000Z',
        SignatureVersion: '1',
        Signature: expect.any(String),
        SigningCertURL: expect.stringMatching(/^https:\/\/sns\.local-1\.amazonaws\.com\//),
        UnsubscribeURL: expect.stringContaining('Action=Unsubscribe'),
      });
    });

    it('leaves Subject out of the envelope when there is none, as SNS does', () => {
      // Prepare
      h.rt.createQueue({ name: 'AlertCopies' });
      h.rt.subscribe({ topic: 'Alerts', protocol: 'sqs', queue: 'AlertCopies' });

      // Act
      h.rt.publish({ topic: 'Alerts', message: 'no subject' });

      // Assess
      expect(JSON.parse(h.rt.peekMessages('AlertCopies')[0]?.body ?? '{}')).not.toHaveProperty(
        'Subject',
      );
    });

    it('delivers the message alone with raw message delivery', () => {
      // Prepare
      h.rt.createQueue({ name: 'Raw' });
      h.rt.subscribe({ topic: 'Alerts', protocol: 'sqs', queue: 'Raw', rawMessageDelivery: true });

      // Act
      h.rt.publish({ topic: 'Alerts', message: '{"customerId":"C2"}' });

      // Assess
      expect(h.rt.peekMessages('Raw').map((m) => m.body)).toEqual(['{"customerId":"C2"}']);
    });

    it("writes a handler's email in the background, recorded until its file is written", async () => {
      // Prepare
      h.rt.subscribe({ topic: 'Alerts', protocol: 'email', endpoint: 'ops@example.com' });
      let pendingInHandler: unknown;
      h.rt.registerHandler('alerter', async () => {
        h.rt.handlerCalls.publish({ topic: 'Alerts', subject: 'High', message: 'C2 at 1750.00' });
        pendingInHandler = h.rt.db.prepare('SELECT COUNT(*) AS n FROM rt_outbox').get();
      });
      routeOrders(h.rt, { id: 'Alerter', target: { kind: 'handler', name: 'alerter' } });

      // Act
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(pendingInHandler).toEqual({ n: 1 });
      expect(h.rt.db.prepare('SELECT COUNT(*) AS n FROM rt_outbox').get()).toEqual({ n: 0 });
      const files = readdirSync(join(h.stateDir, 'outbox'));
      expect(files).toEqual([expect.stringMatching(/\.eml$/)]);
      const text = await readFile(join(h.stateDir, 'outbox', files[0] ?? ''), 'utf8');
      expect(parseEmail(text).body).toBe('C2 at 1750.00');
    });

    it('has every email a handler published written, and its record gone, once closed', async () => {
      // Prepare: 50 emails, some given to the writer thread by the time of the close.
      h.rt.subscribe({ topic: 'Alerts', protocol: 'email', endpoint: 'ops@example.com' });
      let published = () => {};
      const done = new Promise<void>((resolve) => {
        published = resolve;
      });
      h.rt.registerHandler('alerter', async () => {
        for (let i = 0; i < 25; i += 1) {
          h.rt.handlerCalls.publish({ topic: 'Alerts', message: `first ${i}` });
        }
        await new Promise((resolve) => setImmediate(resolve));
        for (let i = 0; i < 25; i += 1) {
          h.rt.handlerCalls.publish({ topic: 'Alerts', message: `then ${i}` });
        }
        published();
      });
      routeOrders(h.rt, { id: 'Alerter', target: { kind: 'handler', name: 'alerter' } });
      h.rt.putEvents([orderPlaced()]);
      await done;

      // Act
      h.rt.close();

      // Assess
      expect(readdirSync(join(h.stateDir, 'outbox'))).toHaveLength(50);
      const db = new Database(join(h.stateDir, DATABASE_FILE), { readonly: true });
      expect(db.prepare('SELECT COUNT(*) AS n FROM rt_outbox').get()).toEqual({ n: 0 });
      db.close();
    });

    it('writes the emails a killed process left recorded when the folder is opened again', async () => {
      // Prepare: an email recorded and never written, as a process killed in between leaves it.
      h.rt.subscribe({ topic: 'Alerts', protocol: 'email', endpoint: 'ops@example.com' });
      h.rt.close();
      const db = new Database(join(h.stateDir, DATABASE_FILE));
      const file = join(h.stateDir, 'outbox', '20240301T120000000Z-left.eml');
      db.prepare('INSERT INTO rt_outbox (file, text) VALUES (?, ?)').run(
        file,
        'Subject: x\r\n\r\nleft\r\n',
      );
      db.close();

      // Act
      const rt = h.reopen();
      await rt.runUntilIdle(IDLE);

      // Assess
      expect(readdirSync(join(h.stateDir, 'outbox'))).toEqual(['20240301T120000000Z-left.eml']);
      expect(rt.db.prepare('SELECT COUNT(*) AS n FROM rt_outbox').get()).toEqual({ n: 0 });
    });

    it('writes an RFC 5322 email per email subscription into the outbox', async () => {
      // Prepare
      h.rt.subscribe({ topic: 'Alerts', protocol: 'email', endpoint: 'ops@example.com' });

      // Act
      const { MessageId } = h.rt.publish({
        topic: 'Alerts',
        subject: 'Warning! Account balance is very high',
        message: 'Customer C2 has a balance of 1750.00.\nThreshold: 1500.00',
      });

      // Assess
      const [listed, ...more] = h.rt.listOutbox();
      expect(more).toEqual([]);
      expect(listed).toEqual({
        file: expect.stringMatching(/\.eml$/),
        to: 'ops@example.com',
        subject: 'Warning! Account balance is very high',
        date: '2024-03-01T12:00:00.000Z',
        messageId: `<${MessageId}@sns.local-1.amazonaws.com>`,
      });
      expect(dirname(listed?.file ?? '')).toBe(join(h.stateDir, 'outbox'));
      const text = await readFile(listed?.file ?? '', 'utf8');
      const email = parseEmail(text);
      expect(email.headers).toMatchObject({
        from: 'AWS Notifications <no-reply@sns.amazonaws.com>',
        to: 'ops@example.com',
        subject: 'Warning! Account balance is very high',
        date: 'Fri, 01 Mar 2024 12:00:00 +0000',
        'message-id': `<${MessageId}@sns.local-1.amazonaws.com>`,
        'mime-version': '1.0',
        'content-type': 'text/plain; charset=UTF-8',
      });
      expect(email.body).toBe('Customer C2 has a balance of 1750.00.\nThreshold: 1500.00');
      expect(text).toContain('\r\n\r\n');
    });

    it('encodes a non-ASCII subject as an RFC 2047 encoded word', async () => {
      // Prepare
      h.rt.subscribe({ topic: 'Alerts', protocol: 'email', endpoint: 'ops@example.com' });

      // Act
      h.rt.publish({ topic: 'Alerts', subject: 'Solde élevé', message: 'Café' });

      // Assess
      const [listed] = h.rt.listOutbox({ raw: true });
      expect(listed?.raw).toContain('Subject: =?UTF-8?B?');
      expect(listed?.subject).toBe('Solde élevé');
      expect(parseEmail(listed?.raw ?? '').body).toBe('Café');
    });

    it('fans a rule target out to every subscription', async () => {
      // Prepare
      h.rt.createQueue({ name: 'AlertCopies' });
      h.rt.subscribe({ topic: 'Alerts', protocol: 'sqs', queue: 'AlertCopies' });
      h.rt.subscribe({ topic: 'Alerts', protocol: 'email', endpoint: 'ops@example.com' });
      routeOrders(h.rt, { id: 'ToTopic', target: { kind: 'topic', name: 'Alerts' } });

      // Act
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      const notification = JSON.parse(h.rt.peekMessages('AlertCopies')[0]?.body ?? '{}');
      expect(JSON.parse(notification.Message)).toMatchObject({ source: 'test.shop' });
      expect(h.rt.listOutbox()).toEqual([
        expect.objectContaining({ subject: 'AWS Notification Message' }),
      ]);
    });

    it('refuses an unknown topic, an empty message and a subject with a line break', () => {
      expect(() => h.rt.publish({ topic: 'Nope', message: 'x' })).toThrow(ResourceNotFoundError);
      expect(() => h.rt.publish({ topic: 'Alerts', message: '' })).toThrow(ValidationError);
      expect(() => h.rt.publish({ topic: 'Alerts', subject: 'a\nb', message: 'x' })).toThrow(
        ValidationError,
      );
    });
  });

  describe('Method: subscribe', () => {
    it('is idempotent per endpoint', () => {
      // Act
      const first = h.rt.subscribe({
        topic: 'Alerts',
        protocol: 'email',
        endpoint: 'ops@example.com',
      });
      const again = h.rt.subscribe({
        topic: 'Alerts',
        protocol: 'email',
        endpoint: 'ops@example.com',
      });
      h.rt.publish({ topic: 'Alerts', message: 'once' });

      // Assess
      expect(again).toEqual(first);
      expect(first.subscriptionArn).toMatch(/^arn:aws:sns:local-1:000000000000:Alerts:/);
      expect(h.rt.listOutbox()).toHaveLength(1);
    });

    it('refuses a queue that does not exist and an invalid address', () => {
      expect(() => h.rt.subscribe({ topic: 'Alerts', protocol: 'sqs', queue: 'Nope' })).toThrow(
        ResourceNotFoundError,
      );
      expect(() =>
        h.rt.subscribe({ topic: 'Alerts', protocol: 'email', endpoint: 'nobody' }),
      ).toThrow(ValidationError);
    });
  });
});
