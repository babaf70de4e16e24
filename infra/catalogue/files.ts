/** Where the generated AsyncAPI document lives: linked from the README. */
const ASYNCAPI_FILE = new URL('../../docs/asyncapi.json', import.meta.url);

export { ASYNCAPI_FILE };
