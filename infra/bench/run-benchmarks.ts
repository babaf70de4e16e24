// `npm run bench`: the runtime's own benchmark (events/s through putEvents, matching and
// delivery), then the pipeline benchmark (files through all three services). Options go
// to the pipeline benchmark: `npm run bench -- --rows 200000 [--customers N] [--order O] [--json]`
// With --json only the pipeline's JSON lines are printed, so the last line stays one object.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const json = args.includes('--json');
const run = (script: string, scriptArgs: string[]): void => {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', new URL(script, import.meta.url).pathname, ...scriptArgs],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (child.status !== 0) process.exit(child.status ?? 1);
};

if (!json) run('../local/bench/runtime-bench.ts', []);
run('./pipeline-bench.ts', args);
