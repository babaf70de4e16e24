import { ValidationError } from '../errors.ts';
import { compileJsonPath, type JsonPathReader } from './json-path.ts';

/** EventBridge's InputTransformer: variables read from the event, placed into a template. */
interface InputTransformer {
  /** Variable name to JSON path, e.g. `{ instance: '$.detail.instance' }`; at most 100. */
  readonly inputPathsMap?: Readonly<Record<string, string>>;
  /** The text sent to the target, with `<variable>` placeholders; 1 to 8192 characters. */
  readonly inputTemplate: string;
}

/** What a transformation knows besides the event. */
interface TransformContext {
  readonly ruleArn: string;
  readonly ruleName: string;
  /** When the bus received the event, as epoch milliseconds. */
  readonly arrivedAt: number;
  /** The event exactly as stored, for `<aws.events.event.json>`. */
  readonly eventJson: string;
}

/** Fills the template for one event; the result is the text the target receives. */
type CompiledInputTransformer = (event: Record<string, unknown>, ctx: TransformContext) => string;

type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: string; readonly inString: boolean };

const MAX_VARIABLES = 100;
const MAX_TEMPLATE = 8192;
const VARIABLE_NAME = /^[A-Za-z0-9_-]+$/;
const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;

/** Variables EventBridge defines itself; a map may not redefine them. */
const PREDEFINED = {
  'aws.events.rule-arn': (_event: Record<string, unknown>, ctx: TransformContext) => ctx.ruleArn,
  'aws.events.rule-name': (_event: Record<string, unknown>, ctx: TransformContext) => ctx.ruleName,
  'aws.events.event.ingestion-time': (_event: Record<string, unknown>, ctx: TransformContext) =>
    new Date(ctx.arrivedAt).toISOString(),
  'aws.events.event': (event: Record<string, unknown>) => {
    const { detail: _detail, ...rest } = event;
    return rest;
  },
} as const;

/** `<aws.events.event.json>` is the stored text itself: no re-serialising of the event. */
const EVENT_JSON = 'aws.events.event.json';

/**
 * Compiles an input transformer once per target. Values are placed so the output stays valid
 * JSON, as EventBridge does: inside a quoted string a variable contributes its text (escaped);
 * elsewhere its JSON (a string gets quotes, a missing value is `null`). A template that is not
 * JSON-shaped (does not start with `{`, `[` or `"`) is plain text and gets strings unquoted.
 *
 * @example compileInputTransformer({ inputPathsMap: { s: '$.source' }, inputTemplate: '{"from": <s>}' })
 * @throws {ValidationError} on a bad variable name, JSON path or template length.
 */
function compileInputTransformer(transformer: InputTransformer): CompiledInputTransformer {
  const readers = compileVariables(transformer.inputPathsMap ?? {});
  const template = transformer.inputTemplate;
  if (typeof template !== 'string' || template.length < 1 || template.length > MAX_TEMPLATE) {
    throw new ValidationError(`InputTemplate must have 1 to ${MAX_TEMPLATE} characters`);
  }
  const jsonShaped = /^\s*[[{"]/.test(template);
  const segments = parseTemplate(template, (name) => readers.has(name) || isPredefined(name));
  return (event, ctx) => {
    let out = '';
    for (const segment of segments) {
      if (segment.kind === 'text') out += segment.text;
      else out += render(segment, variableValue(segment.name, readers, event, ctx), jsonShaped);
    }
    return out;
  };
}

function compileVariables(map: Readonly<Record<string, string>>): Map<string, JsonPathReader> {
  const entries = Object.entries(map);
  if (entries.length > MAX_VARIABLES) {
    throw new ValidationError(`InputPathsMap has ${entries.length} entries; at most 100`);
  }
  const readers = new Map<string, JsonPathReader>();
  for (const [name, path] of entries) {
    if (!VARIABLE_NAME.test(name) || name.toLowerCase().startsWith('aws.')) {
      throw new ValidationError(`InputPathsMap key "${name}" is not a valid variable name`);
    }
    readers.set(name, compileJsonPath(path));
  }
  return readers;
}

function isPredefined(name: string): boolean {
  return name === EVENT_JSON || Object.hasOwn(PREDEFINED, name);
}

/** Splits the template into text and known placeholders, noting which sit inside a string. */
function parseTemplate(template: string, known: (name: string) => boolean): Segment[] {
  const segments: Segment[] = [];
  let inString = false;
  let last = 0;
  const pushText = (text: string) => {
    if (text === '') return;
    segments.push({ kind: 'text', text });
    inString = togglesString(text, inString);
  };
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!known(name)) continue;
    pushText(template.slice(last, match.index));
    segments.push({ kind: 'variable', name, inString });
    last = match.index + match[0].length;
  }
  pushText(template.slice(last));
  return segments;
}

/** Follows unescaped quotes through a piece of template text. */
function togglesString(text: string, inString: boolean): boolean {
  let state = inString;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '\\' && state) i += 1;
    else if (char === '"') state = !state;
  }
  return state;
}

function variableValue(
  name: string,
  readers: Map<string, JsonPathReader>,
  event: Record<string, unknown>,
  ctx: TransformContext,
): { json: string } | { value: unknown } {
  if (name === EVENT_JSON) return { json: ctx.eventJson };
  const reader = readers.get(name);
  if (reader) return { value: reader(event) };
  return { value: PREDEFINED[name as keyof typeof PREDEFINED](event, ctx) };
}

function render(
  segment: Extract<Segment, { kind: 'variable' }>,
  found: { json: string } | { value: unknown },
  jsonShaped: boolean,
): string {
  const value = 'value' in found ? found.value : undefined;
  const json = 'json' in found ? found.json : value === undefined ? 'null' : JSON.stringify(value);
  if (segment.inString) {
    if (typeof value === 'string') return JSON.stringify(value).slice(1, -1);
    if ('value' in found && value === undefined) return '';
    return JSON.stringify(json).slice(1, -1);
  }
  if (!jsonShaped && typeof value === 'string') return value;
  return json;
}

export type { CompiledInputTransformer, InputTransformer, TransformContext };
export { compileInputTransformer };
