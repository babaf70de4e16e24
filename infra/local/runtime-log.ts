/** Where the runtime tells what a caller would otherwise not see, such as dropped events. */
interface RuntimeLog {
  warn(message: string): void;
}

/**
 * The default log: one line on stderr per message.
 *
 * @example stderrLog.warn('2 events to bus nowhere were dropped');
 */
const stderrLog: RuntimeLog = {
  warn: (message) => {
    process.stderr.write(`txnflow local runtime: ${message}\n`);
  },
};

export type { RuntimeLog };
export { stderrLog };
