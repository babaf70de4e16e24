/** Files whose ingest takes longer than this get a progress bar. */
const SHOW_AFTER_MS = 750;
const WIDTH = 30;

interface ProgressTarget {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * A one-line progress bar of bytes read per file, drawn on a terminal only (never into
 * piped or `--json` output), and only once a file takes more than a moment.
 *
 * @example const bar = createProgressBar(process.stderr, sizes); bar.update('t.txt', 1024);
 */
function createProgressBar(out: ProgressTarget, totalBytes: ReadonlyMap<string, number>) {
  const startedAt = Date.now();
  let drawn = false;
  let lastDraw = 0;
  return {
    update(file: string, bytesRead: number): void {
      const now = Date.now();
      if (!out.isTTY || now - startedAt < SHOW_AFTER_MS || now - lastDraw < 100) return;
      lastDraw = now;
      const total = totalBytes.get(file) ?? bytesRead;
      const ratio = total === 0 ? 1 : Math.min(1, bytesRead / total);
      const filled = Math.round(ratio * WIDTH);
      const mb = (n: number) => (n / 1_048_576).toFixed(1);
      out.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${file} ${mb(bytesRead)}/${mb(total)} MB`,
      );
      drawn = true;
    },
    done(): void {
      if (drawn) out.write('\n');
    },
  };
}

export { createProgressBar };
