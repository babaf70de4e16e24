import { readFileSync } from 'node:fs';

/** What one measured piece of work cost its process. */
interface Measured {
  readonly wallSeconds: number;
  /** User plus system CPU time: less swayed than wall time by other work on the machine. */
  readonly cpuSeconds: number;
  /** The process's peak resident set over its whole life, so measure one thing per process. */
  readonly peakRssMB: number;
  /**
   * Bytes the process handed to write calls meanwhile (`wchar` of /proc/self/io: SQLite's
   * WAL frames and checkpoints, copied objects, emails); `undefined` where /proc is missing.
   */
  readonly bytesWritten: number | undefined;
}

const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/**
 * Bytes written through write calls so far by this process, from Linux's /proc/self/io;
 * `undefined` elsewhere.
 *
 * @example const before = bytesWrittenSoFar();
 */
function bytesWrittenSoFar(): number | undefined {
  try {
    const match = /^wchar:\s*(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `work` and measures it: wall and CPU time, the bytes it wrote, and the process's peak
 * RSS afterwards.
 *
 * @example const { result, measured } = await measure(() => runEventLogFloor(file, dir));
 */
async function measure<T>(work: () => Promise<T>): Promise<{ result: T; measured: Measured }> {
  const writtenBefore = bytesWrittenSoFar();
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = await work();
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const writtenAfter = bytesWrittenSoFar();
  return {
    result,
    measured: {
      wallSeconds: round(wall),
      cpuSeconds: round((cpu.user + cpu.system) / 1e6),
      peakRssMB: round(process.resourceUsage().maxRSS / 1024, 0),
      bytesWritten:
        writtenBefore === undefined || writtenAfter === undefined
          ? undefined
          : writtenAfter - writtenBefore,
    },
  };
}

export type { Measured };
export { bytesWrittenSoFar, measure, round };
