// Reads Vitest's JSON report, prints honest counts and fails (exit 1) unless every test that
// was collected ran and passed: a skipped, pending or todo test is a test that should have run
// (biome forbids .skip and .only in code; skipIf and broken setups can still skip), a test
// file that failed outside its tests (an import error, a broken hook) is a failure, and a
// run of no test at all is not a pass.
// Usage: node .ci/test-report.mjs REPORT.json
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const NOT_RUN = new Set(['pending', 'skipped', 'todo', 'disabled']);

const reportPath = process.argv[2];
if (!reportPath) {
  console.error('usage: node .ci/test-report.mjs REPORT.json');
  process.exit(2);
}

let report;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
} catch (error) {
  console.error(`no readable Vitest report at ${reportPath}: ${error.message}`);
  process.exit(1);
}

const files = report.testResults ?? [];
const tests = files.flatMap((file) =>
  (file.assertionResults ?? []).map((test) => ({ file: relative('.', file.name), ...test })),
);
const count = (status) => tests.filter((t) => t.status === status).length;
const notRun = tests.filter((t) => NOT_RUN.has(t.status));
const brokenFiles = files.filter(
  (file) =>
    file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
);

console.log(
  `vitest: ${tests.length} tests: ${count('passed')} passed, ${count('failed')} failed, ` +
    `${notRun.length} did not run (skipped or todo); ${files.length} files, ` +
    `${files.filter((f) => f.status === 'failed').length} failed`,
);

const problems = [];
if (tests.length === 0) problems.push('no test ran');
if (count('failed') > 0) problems.push(`${count('failed')} tests failed`);
for (const test of notRun) {
  problems.push(`did not run (${test.status}): ${test.fullName ?? test.title} [${test.file}]`);
}
for (const file of brokenFiles) {
  const why = (file.message ?? '').split('\n')[0] || 'a hook or an import failed, see above';
  problems.push(`failed outside its tests: ${relative('.', file.name)}: ${why}`);
}
if (report.success === false && problems.length === 0) problems.push('Vitest reported failure');

if (problems.length > 0) {
  for (const problem of problems) console.error(`FAIL ${problem}`);
  process.exit(1);
}
