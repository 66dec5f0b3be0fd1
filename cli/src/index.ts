export { describeError, EXIT, UsageError } from './errors.js';
export { buildProgram, VERSION } from './program.js';
export { run } from './run.js';
