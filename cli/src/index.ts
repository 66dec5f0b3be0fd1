export { describeError, EXIT, NoMatch, UsageError } from './errors.js';
export { type CliIo, PROCESS_IO } from './io.js';
export { buildProgram, VERSION } from './program.js';
export { run } from './run.js';
