import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgressBar } from '../../cli/render/progress-bar.ts';

function terminal(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) };
}

describe('Function: createProgressBar', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-24T10:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws nothing for a file that takes only a moment', () => {
    const out = terminal(true);
    const bar = createProgressBar(out, new Map([['incoming/a.txt', 1_000]]));

    bar.update('incoming/a.txt', 1_000);
    bar.done();

    expect(out.writes).toEqual([]);
  });

  it('draws the share of bytes read once a file takes longer, and ends the line', () => {
    const out = terminal(true);
    const bar = createProgressBar(out, new Map([['incoming/big.txt', 4 * 1_048_576]]));

    vi.advanceTimersByTime(1_000);
    bar.update('incoming/big.txt', 1_048_576);
    bar.done();

    expect(out.writes[0]).toBe(
      `\r[########......................]  25% incoming/big.txt 1.0/4.0 MB`,
    );
    expect(out.writes.at(-1)).toBe('\n');
  });

  it('never draws into output that is not a terminal', () => {
    const out = terminal(false);
    const bar = createProgressBar(out, new Map([['incoming/big.txt', 10]]));

    vi.advanceTimersByTime(5_000);
    bar.update('incoming/big.txt', 5);
    bar.done();

    expect(out.writes).toEqual([]);
  });
});
