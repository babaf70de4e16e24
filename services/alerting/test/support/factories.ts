import { buildEvent, type HighBalanceDetectedV1Data, type ReceivedEvent } from '@txnflow/contracts';
import type { Alert, Email, EmailNotifier, SentEmail } from '../../src/ports.ts';

function highBalanceDetected(
  data: Partial<HighBalanceDetectedV1Data> = {},
): ReceivedEvent<'HighBalanceDetected'> {
  const event = buildEvent(
    'HighBalanceDetected',
    {
      alertId: 'C2:T2012',
      customerId: 'C2',
      balance: '1750.00',
      previousBalance: '1340.00',
      threshold: '1500.00',
      transaction: { transactionId: 'T2012', amount: '410.00', transactionDate: '2023-03-05' },
      detectedAt: '2026-11-20T09:15:03.101Z',
      ...data,
    },
    { correlationId: 'file-1', causationId: 'evt-1' },
  );
  return { id: 'eb-1', detailType: 'HighBalanceDetected', detail: event.detail };
}

/** The EventBridge event a rule hands the function. */
function envelopeOf(event: ReceivedEvent<'HighBalanceDetected'>): Record<string, unknown> {
  return {
    version: '0',
    id: event.id,
    'detail-type': 'HighBalanceDetected',
    source: 'txnflow.ledger',
    account: '000000000000',
    time: '2026-11-20T09:15:03Z',
    region: 'local-1',
    resources: [],
    detail: event.detail,
  };
}

class RecordingNotifier implements EmailNotifier {
  readonly sent: Email[] = [];
  failuresLeft = 0;

  async send(email: Email): Promise<SentEmail> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('SNS unavailable');
    }
    this.sent.push(email);
    return { messageId: `m-${this.sent.length}` };
  }
}

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    alertId: 'C2:T2012',
    customerId: 'C2',
    balanceCents: 175_000,
    previousBalanceCents: 134_000,
    thresholdCents: 150_000,
    transactionId: 'T2012',
    transactionDate: '2023-03-05',
    detectedAt: '2026-11-20T09:15:03.101Z',
    correlationId: 'file-1',
    notified: false,
    ...overrides,
  };
}

export { alert, envelopeOf, highBalanceDetected, RecordingNotifier };
