/**
 * Renders rows as an aligned text table; money and counts (right-aligned when numeric-looking).
 *
 * @example renderTable([{ customerId: 'C2', balance: '1750.00' }])
 */
function renderTable(
  rows: readonly Record<string, unknown>[],
  columns?: readonly string[],
): string {
  if (rows.length === 0) return '(none)';
  const keys = columns ?? Object.keys(rows[0] ?? {});
  const cell = (value: unknown): string =>
    value === undefined || value === null
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value).replaceAll('\n', ' ');
  const cells = rows.map((row) => keys.map((k) => cell(row[k])));
  const widths = keys.map((k, i) => Math.max(k.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const numeric = keys.map((_k, i) => cells.every((c) => /^-?\d+(\.\d+)?$/.test(c[i] ?? '')));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(keys), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export { renderTable };
