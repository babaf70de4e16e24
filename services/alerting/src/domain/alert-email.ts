import { formatMoney } from '@txnflow/contracts';
import type { Alert, Email } from '../ports.ts';

/** The subject the credit team and customers know; kept exactly as the lab had it. */
const ALERT_SUBJECT = 'Warning! Account balance is very high';

/**
 * The alert email: names the customer, the balance, the threshold and the transaction.
 *
 * @example renderAlertEmail(alert).subject // 'Warning! Account balance is very high'
 */
function renderAlertEmail(alert: Alert): Email {
  const money = formatMoney;
  return {
    subject: ALERT_SUBJECT,
    body: [
      `Dear customer ${alert.customerId},`,
      '',
      `The balance of your account is now ${money(alert.balanceCents)}, at or above the limit of ${money(alert.thresholdCents)}.`,
      `Transaction ${alert.transactionId} of ${alert.transactionDate} took it from ${money(alert.previousBalanceCents)} to ${money(alert.balanceCents)}.`,
      '',
      'Our credit collection department has been informed.',
      '',
      `Alert ${alert.alertId}`,
      '',
    ].join('\n'),
  };
}

export { ALERT_SUBJECT, renderAlertEmail };
