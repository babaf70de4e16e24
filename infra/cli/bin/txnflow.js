#!/usr/bin/env node
// The txnflow CLI: its TypeScript sources, bundled on first use (see load-cli.js).
import { loadCli } from './load-cli.js';

const { main } = await loadCli();
process.exitCode = await main(process.argv.slice(2), {
  out: process.stdout,
  err: process.stderr,
  env: process.env,
});
