export { compileEventPattern } from './compile.ts';
export { InvalidEventPatternError } from './errors.ts';
export { testEventPattern } from './test-event-pattern.ts';
export type { CompiledEventPattern } from './types.ts';
export { validateEventPattern } from './validate.ts';
