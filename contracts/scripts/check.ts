import { CURRENT_VERSION } from '../src/catalogue.ts';
import { readPublishedConsumers } from '../src/published-consumers.ts';
import { renderSchemaChanges } from '../src/schema-change-report.ts';
import { classifySchemaChanges, needsNewVersion } from '../src/schema-changes.ts';
import { RELEASED_DIR, readSchemaFolder, SCHEMAS_DIR } from './schema-files.ts';

// `npm run contracts:check`: how each schema of the working tree stands against its released
// copy, what a breaking change would break (consumers, archived events), and what to do.
// Exits 1 when a change needs a new version.
const changes = classifySchemaChanges({
  contracts: await readSchemaFolder(SCHEMAS_DIR),
  released: await readSchemaFolder(RELEASED_DIR),
  current: CURRENT_VERSION,
  consumers: await readPublishedConsumers(),
});
process.stdout.write(renderSchemaChanges(changes));
if (changes.some(needsNewVersion)) process.exitCode = 1;
