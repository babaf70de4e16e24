import { LocalRuntimeError, ValidationError } from '../errors.ts';
import { compileJsonPath, type JsonPathReader } from './json-path.ts';

/** EventBridge's InputTransformer: variables read from the event, placed into a template. */
interface InputTransformer {
  /** Variable name to JSON path, e.g. `{ instance: '$.detail.instance' }`; at most 100. */
  readonly inputPathsMap?: Readonly<Record<string, string>>;
  /** The text sent to the target, with `<variable>` placeholders; 1 to 8192 characters. */
  readonly inputTemplate: string;
}

/** How a transformer is compiled: for PutTargets (strict), or from the state folder. */
interface TransformerOptions {
  /** Named in the error about an invalid placeholder, as PutTargets names it. */
  readonly targetId?: string;
  /**
   * Refuse placeholders that are neither in the map nor predefined (PutTargets does).
   * Targets read back from a state folder were checked when they were put.
   * @default true
   */
  readonly strict?: boolean;
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

/**
 * A JSON template (an object or a list) that the event's values made invalid JSON: EventBridge
 * accepts such a template and delivers nothing. Retrying cannot change the outcome.
 */
class InvalidTransformedInputError extends LocalRuntimeError {
  /** The text the transformer made. */
  readonly transformed: string;

  constructor(transformed: string, options?: ErrorOptions) {
    super(
      'INVALID_JSON',
      `The input transformer made invalid JSON of this event, so nothing was delivered: ${transformed.slice(0, 200)}`,
      options,
    );
    this.name = 'InvalidTransformedInputError';
    this.transformed = transformed;
  }
}

type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: string; readonly inString: boolean };

type Found =
  | { readonly kind: 'value'; readonly value: unknown }
  /** JSON text inserted exactly as it is, never escaped or unquoted. */
  | { readonly kind: 'raw'; readonly json: string };

const MAX_VARIABLES = 100;
const MAX_TEMPLATE = 8192;
const VARIABLE_NAME = /^[A-Za-z0-9_-]+$/;
const PLACEHOLDER = /<([^<>]+)>/g;

/** `<aws.events.event>`'s keys, in the order AWS was recorded delivering them. */
const EVENT_KEYS = ['id', 'account', 'detail-type', 'time', 'source', 'region', 'resources'];

/**
 * The event without its detail, as EventBridge gives it: `detail-type` is spelled
 * `detailType` (deliveries recorded on AWS).
 */
function eventWithoutDetail(event: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const rename = (key: string) => (key === 'detail-type' ? 'detailType' : key);
  for (const key of EVENT_KEYS) if (Object.hasOwn(event, key)) out[rename(key)] = event[key];
  for (const [key, value] of Object.entries(event)) {
    if (key !== 'detail' && !EVENT_KEYS.includes(key)) out[rename(key)] = value;
  }
  return out;
}

/** Variables EventBridge defines itself; a map may not redefine them. */
const PREDEFINED: Readonly<
  Record<string, (event: Record<string, unknown>, ctx: TransformContext) => Found>
> = {
  'aws.events.rule-arn': (_event, ctx) => ({ kind: 'value', value: ctx.ruleArn }),
  'aws.events.rule-name': (_event, ctx) => ({ kind: 'value', value: ctx.ruleName }),
  'aws.events.event.ingestion-time': (_event, ctx) => ({
    kind: 'value',
    value: new Date(ctx.arrivedAt).toISOString(),
  }),
  // "Can only be used as a value for a JSON field, as its contents are not escaped."
  'aws.events.event': (event) => ({ kind: 'raw', json: JSON.stringify(eventWithoutDetail(event)) }),
  'aws.events.event.json': (_event, ctx) => ({ kind: 'raw', json: ctx.eventJson }),
};

/**
 * Compiles an input transformer once per target. Values are placed as EventBridge places them
 * (its "Common issues with transforming input", and deliveries recorded on AWS):
 * - outside quotes, a value is its JSON (a string gets quotes); in a template that is not
 *   JSON-shaped (does not start with `{`, `[` or `"`) a string goes in without quotes;
 * - inside a quoted string, a string goes in as its text; an object or a list as its JSON with
 *   the inner quotes removed (`"Payload of {acc_id:0a787ecb-4015,sf_id:baz}"`, `"[ACTIVE,INACTIVE] items"`);
 * - a path the event does not have gives `""` outside quotes and nothing inside them;
 * - `<aws.events.event>` and `<aws.events.event.json>` go in as JSON, never escaped.
 * A JSON object or list template that comes out as invalid JSON is not delivered
 * ({@link InvalidTransformedInputError}).
 *
 * @example compileInputTransformer({ inputPathsMap: { s: '$.source' }, inputTemplate: '{"from": <s>}' })
 * @throws {ValidationError} on a bad variable name, JSON path, template length or placeholder.
 */
function compileInputTransformer(
  transformer: InputTransformer,
  options: TransformerOptions = {},
): CompiledInputTransformer {
  const readers = compileVariables(transformer.inputPathsMap ?? {});
  const template = transformer.inputTemplate;
  if (typeof template !== 'string' || template.length < 1 || template.length > MAX_TEMPLATE) {
    throw new ValidationError(`InputTemplate must have 1 to ${MAX_TEMPLATE} characters`);
  }
  const known = (name: string) => readers.has(name) || Object.hasOwn(PREDEFINED, name);
  if (options.strict ?? true) assertPlaceholdersKnown(template, known, options.targetId);
  const jsonShaped = /^\s*[[{"]/.test(template);
  const mustParse = /^\s*[[{]/.test(template);
  const segments = parseTemplate(template, known);
  return (event, ctx) => {
    let out = '';
    for (const segment of segments) {
      if (segment.kind === 'text') out += segment.text;
      else out += render(segment, variableValue(segment.name, readers, event, ctx), jsonShaped);
    }
    if (mustParse) assertJson(out);
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

/** PutTargets refuses a placeholder that names no variable, in the words AWS uses. */
function assertPlaceholdersKnown(
  template: string,
  known: (name: string) => boolean,
  targetId = '(unnamed)',
): void {
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!known(name)) {
      throw new ValidationError(
        `InputTemplate for target ${targetId} contains invalid placeholder ${name}.`,
      );
    }
  }
}

function assertJson(text: string): void {
  try {
    JSON.parse(text);
  } catch (error) {
    throw new InvalidTransformedInputError(text, { cause: error });
  }
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
): Found {
  const reader = readers.get(name);
  if (reader) return { kind: 'value', value: reader(event) };
  return (PREDEFINED[name] as (e: typeof event, c: TransformContext) => Found)(event, ctx);
}

function render(
  segment: Extract<Segment, { kind: 'variable' }>,
  found: Found,
  jsonShaped: boolean,
): string {
  if (found.kind === 'raw') return found.json;
  const { value } = found;
  if (segment.inString) {
    if (value === undefined) return '';
    if (typeof value === 'string') return JSON.stringify(value).slice(1, -1);
    if (typeof value === 'object' && value !== null)
      return JSON.stringify(value).replaceAll('"', '');
    return JSON.stringify(value);
  }
  if (value === undefined) return jsonShaped ? '""' : '';
  if (!jsonShaped && typeof value === 'string') return value;
  return JSON.stringify(value);
}

export type { CompiledInputTransformer, InputTransformer, TransformContext, TransformerOptions };
export { compileInputTransformer, InvalidTransformedInputError };
