import { beforeEach, describe, expect, it } from 'vitest';
import type { UploadTasks } from '../../src/ports.ts';

/** The UploadTasks port's one test suite, run against every adapter (SQLite, DynamoDB). */
function describeUploadTasks(adapter: string, makeTasks: () => Promise<UploadTasks>): void {
  describe(`Port: UploadTasks (${adapter})`, () => {
    let tasks: UploadTasks;
    beforeEach(async () => {
      tasks = await makeTasks();
    }, 60_000);

    it('counts the distinct tasks of a phase done, each marked task included', async () => {
      expect(await tasks.markDone('upload-1/p1/scan', 2)).toBe(1);
      expect(await tasks.markDone('upload-1/p1/scan', 0)).toBe(2);
      expect(await tasks.countDone('upload-1/p1/scan')).toBe(2);
    });

    it('counts a task marked twice once, as a retried or redelivered task is', async () => {
      await tasks.markDone('upload-1/p1/record', 5);

      expect(await tasks.markDone('upload-1/p1/record', 5)).toBe(1);
    });

    it('keeps phases apart, and counts none for a phase never marked', async () => {
      await tasks.markDone('upload-1/p1/scan', 0);

      expect(await tasks.countDone('upload-1/p1/keys')).toBe(0);
      expect(await tasks.markDone('upload-2/p1/scan', 0)).toBe(1);
    });

    it('counts every one of many tasks marked at once', async () => {
      const counts = await Promise.all(
        Array.from({ length: 20 }, (_, task) => tasks.markDone('upload-1/p1/keys', task)),
      );

      expect(Math.max(...counts)).toBe(20);
      expect(await tasks.countDone('upload-1/p1/keys')).toBe(20);
    });
  });
}

export { describeUploadTasks };
