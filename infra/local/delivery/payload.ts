import {
  compileInputTransformer,
  type InputTransformer,
  type TransformerOptions,
} from './input-transformer.ts';
import { compileJsonPath } from './json-path.ts';

/** What one target receives for one event. */
interface Payload {
  /** The text a queue or topic target gets as its message body. */
  readonly body: string;
  /** The value a handler target gets: parsed anew for each call, so handlers cannot share it. */
  value(): unknown;
}

/** Where the event came from, for the transformer's predefined variables. */
interface PayloadSource {
  readonly eventJson: string;
  readonly arrivedAt: number;
  /** Set when the event is a replay: the stored event gets `replay-name` on its way out. */
  readonly replayName?: string | null;
}

/** Turns a stored event into what a given target receives. */
type PayloadRenderer = (source: PayloadSource) => Payload;

interface PayloadOptions extends TransformerOptions {
  readonly ruleName: string;
  readonly ruleArn: string;
  readonly inputPath?: string;
  readonly inputTransformer?: InputTransformer;
}

/**
 * Adds the top-level `replay-name` to a stored event without parsing it: the runtime wrote the
 * JSON itself, so it always ends with the envelope's closing brace.
 *
 * @example withReplayName('{"id":"1"}', 'backfill') // '{"id":"1","replay-name":"backfill"}'
 */
function withReplayName(eventJson: string, replayName: string): string {
  return `${eventJson.slice(0, -1)},"replay-name":${JSON.stringify(replayName)}}`;
}

/** Text that is JSON is handed to a handler parsed; anything else as the string itself. */
function parseIfJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Compiles how a target's input is made (the whole event, its InputPath, or its
 * InputTransformer), once per target; the common case does no JSON work for a queue target.
 *
 * @example const render = compilePayload({ ruleName, ruleArn, inputPath: '$.detail' });
 * @throws {ValidationError} when the path or the transformer is invalid.
 * The renderer throws {InvalidTransformedInputError} for an event that a JSON template turns
 * into invalid JSON.
 */
function compilePayload(options: PayloadOptions): PayloadRenderer {
  const eventOf = (source: PayloadSource) =>
    source.replayName ? withReplayName(source.eventJson, source.replayName) : source.eventJson;
  if (options.inputTransformer) {
    const transform = compileInputTransformer(options.inputTransformer, options);
    return (source) => {
      const eventJson = eventOf(source);
      const event = JSON.parse(eventJson) as Record<string, unknown>;
      const body = transform(event, { ...options, arrivedAt: source.arrivedAt, eventJson });
      return { body, value: () => parseIfJson(body) };
    };
  }
  if (options.inputPath !== undefined) {
    const read = compileJsonPath(options.inputPath);
    return (source) => {
      const selected = read(JSON.parse(eventOf(source)));
      const body = JSON.stringify(selected ?? null);
      return { body, value: () => JSON.parse(body) };
    };
  }
  return (source) => {
    const body = eventOf(source);
    return { body, value: () => JSON.parse(body) };
  };
}

export type { Payload, PayloadRenderer, PayloadSource };
export { compilePayload, withReplayName };
