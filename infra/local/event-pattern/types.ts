/** A pattern checked and compiled once, to be matched against many events. */
interface CompiledEventPattern {
  /**
   * Whether the event matches, as EventBridge decides it. Does no parsing or validation:
   * pass the event object as it would be delivered (the parsed JSON).
   */
  matches(event: object): boolean;
}

/** A JSON object, as parsed: the pattern, the event and every nested object in them. */
type JsonObject = Record<string, unknown>;

/** A JSON value that is neither an object nor an array: what pattern values are compared with. */
type JsonLeaf = string | number | boolean | null;

/** Tests one leaf value of the event. */
type LeafTest = (value: JsonLeaf) => boolean;

/** Tests what the event holds at one place: anything, or `undefined` when it holds nothing. */
type ValueTest = (value: unknown) => boolean;

export type { CompiledEventPattern, JsonLeaf, JsonObject, LeafTest, ValueTest };
