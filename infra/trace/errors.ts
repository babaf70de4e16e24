/** The kinds of id `txnflow trace` takes, with the shape of each, for error messages. */
const ID_KINDS = [
  'an event id (the envelope id or the contract eventId, a UUID)',
  'a transaction, CUSTOMER/TRANSACTION (C2/T1008)',
  'an alert id, CUSTOMER:TRANSACTION (C2:T1012)',
  "an uploaded file's key (incoming/transactions.txt)",
  "a correlation id (one per upload: the uploaded object version's)",
] as const;

/** Known ids close to what was asked for, by kind. */
interface TraceSuggestion {
  readonly kind: string;
  readonly ids: readonly string[];
}

/** The base of the errors `txnflow trace` answers with. */
class TraceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TraceError';
  }
}

/** No upload, event, transaction, alert or run has this id. */
class UnknownTraceIdError extends TraceError {
  readonly id: string;
  readonly suggestions: readonly TraceSuggestion[];

  constructor(id: string, where: string, suggestions: readonly TraceSuggestion[]) {
    const near = suggestions
      .filter((s) => s.ids.length > 0)
      .map((s) => `  nearest ${s.kind}: ${s.ids.join(', ')}`);
    super(
      [
        `nothing in ${where} has the id "${id}". An id can be:`,
        ...ID_KINDS.map((kind) => `  ${kind}`),
        ...(near.length > 0 ? ['Known ids like it:', ...near] : []),
      ].join('\n'),
    );
    this.name = 'UnknownTraceIdError';
    this.id = id;
    this.suggestions = suggestions;
  }
}

/**
 * The edit distance of two short texts (insertions, deletions, substitutions), for "did you
 * mean" suggestions.
 *
 * @example editDistance('C2/T1080', 'C2/T1008') // 2
 */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The `limit` candidates nearest to `id`, nearest first (ties in the candidates' order).
 *
 * @example nearest('C2/T1080', ['C1/T1001', 'C2/T1008']) // ['C2/T1008', 'C1/T1001']
 */
function nearest(id: string, candidates: Iterable<string>, limit = 3): string[] {
  const scored: { id: string; distance: number }[] = [];
  for (const candidate of candidates) {
    scored.push({ id: candidate, distance: editDistance(id, candidate) });
  }
  return scored
    .sort((x, y) => x.distance - y.distance)
    .slice(0, limit)
    .map((s) => s.id);
}

export type { TraceSuggestion };
export { editDistance, ID_KINDS, nearest, TraceError, UnknownTraceIdError };
