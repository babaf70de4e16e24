import { describe, expect, it } from 'vitest';
import { toStructuredLog } from '../../src/adapters/structured-log.ts';

describe('Function: toStructuredLog', () => {
  it('passes the fields when there are some and nothing when there are none', () => {
    const calls: unknown[][] = [];
    const record = (...args: unknown[]) => void calls.push(args);
    const log = toStructuredLog({ info: record, warn: record, error: record });

    log.info('ingested file', { accepted: 24 });
    log.warn('no fields');

    expect(calls).toEqual([['ingested file', { accepted: 24 }], ['no fields']]);
  });
});
