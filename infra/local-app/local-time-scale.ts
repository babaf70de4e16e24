import type { RetrySettings } from '../local/index.ts';

/**
 * Local runs keep AWS's counts and limits and shrink its waits by this factor: one second
 * that AWS waits is one millisecond locally. A retry policy of 8 retries or 2 keeps its
 * attempts; a 6-hour maximum event age stays 6 hours (the attempts run out long before,
 * unless a stopped run is resumed hours later); a 360 s visibility timeout becomes 0.36 s,
 * and Lambda's minute before retrying a failed asynchronous invocation 60 ms.
 */
const LOCAL_TIME_SCALE = 1000;

/**
 * A wait AWS makes, in seconds, as the local runtime makes it, in seconds.
 *
 * @example localWaitSeconds(360) // 0.36
 */
function localWaitSeconds(awsSeconds: number): number {
  return awsSeconds / LOCAL_TIME_SCALE;
}

/**
 * The runtime's backoff between attempts, scaled from Lambda's: a minute before the first
 * retry of a function error, doubling (two minutes before the second), at most five minutes
 * (its ceiling for throttled invocations). The runtime adds equal jitter: from half the
 * step to the whole of it.
 */
const LOCAL_RETRY_BACKOFF: Pick<RetrySettings, 'baseDelayMs' | 'maxDelayMs'> = {
  baseDelayMs: (60 * 1000) / LOCAL_TIME_SCALE,
  maxDelayMs: (5 * 60 * 1000) / LOCAL_TIME_SCALE,
};

export { LOCAL_RETRY_BACKOFF, LOCAL_TIME_SCALE, localWaitSeconds };
