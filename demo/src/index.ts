/** Demo Netbank: the verifier embedded in a bank's web server (see docs/demo.md). */
export { BankNemId, type RequestOrigin, SITES, type Site } from './bank-nemid.js';
export { parseDemoArgs, readyMessage, runDemo, USAGE } from './cli.js';
export { dataPaths, MARKER, STATE_FILE } from './data-folder.js';
export type { DemoState } from './demo-state.js';
export { DEMO_CUSTOMER } from './provision.js';
export { type DemoOptions, PortBusyError, type RunningDemo, startDemo } from './start.js';
export { DEFAULT_ESPEAK, ESPEAK_ENV, speak, spokenKey } from './voice/voice-phone.js';
export { fixWavSizes, wavSeconds } from './voice/wav.js';
