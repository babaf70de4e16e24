import type { SchemaChange } from './schema-changes.ts';

const name = (c: { detailType: string; version: string }) => `${c.detailType} v${c.version}`;
const indent = (lines: readonly string[]) => lines.map((l) => `    ${l}`);

function breakingLines(change: Extract<SchemaChange, { kind: 'breaking' }>): string[] {
  const { contract } = change;
  const lines = [
    `${name(contract)}: NEEDS A NEW VERSION (changed in place, and it breaks what it promised)`,
  ];
  if (change.changes.length > 0) {
    lines.push('  changes that break the released copy:');
    lines.push(...indent(change.changes.map((c) => `${c.path}: ${c.change}`)));
  }
  lines.push(
    change.consumers.length > 0 ? '  consumers it breaks:' : '  consumers it breaks: none',
    ...indent(change.consumers.map((b) => b.reason)),
  );
  lines.push(
    change.unreadable.length > 0
      ? '  archived events it could no longer read (the released examples stand for the archive):'
      : '  archived events it could no longer read: none of the released examples',
    ...indent(
      change.unreadable.map(
        (u) => `${u.event}: ${u.issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`,
      ),
    ),
  );
  lines.push(
    `  keep ${name(contract)} as released; put the change in ${contract.detailType}.v${Number(contract.version) + 1}.schema.json, ` +
      'have consumers accept it (an upcaster at their edge), then switch producers.',
  );
  return lines;
}

function linesOf(change: SchemaChange): string[] {
  switch (change.kind) {
    case 'unchanged':
      return [`${name(change.contract)}: unchanged`];
    case 'compatible':
      return [
        `${name(change.contract)}: compatible; release it by copying it into contracts/released/`,
        ...indent(change.changed),
      ];
    case 'breaking':
      return breakingLines(change);
    case 'new-version': {
      const why = change.changes.map((c) => `${c.path}: ${c.change}`);
      const consumers = change.consumers.map((b) => b.reason);
      return [
        `${name(change.contract)}: new version beside v${change.previous}, not released yet`,
        ...(why.length > 0
          ? ['  breaking against the previous version (why it is one):', ...indent(why)]
          : []),
        ...(consumers.length > 0 ? ['  consumers not ready for it:', ...indent(consumers)] : []),
      ];
    }
    case 'new-event':
      return [`${name(change.contract)}: new event, not released yet`];
    case 'removed':
      return [
        `${name(change.released)}: NEEDS A NEW VERSION: its released schema is gone, so archived events of it could no longer be read`,
      ];
  }
}

/**
 * The classification of the working tree's schema changes as a person reads it.
 *
 * @example console.log(renderSchemaChanges(classifySchemaChanges(sources)))
 */
function renderSchemaChanges(changes: readonly SchemaChange[]): string {
  return `${changes.flatMap(linesOf).join('\n')}\n`;
}

export { renderSchemaChanges };
