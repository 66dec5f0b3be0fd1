/** The HTTP service: `@nemid-sim/server-verifier/http`. */
export { buildVerifierService, type VerifierService } from './http/app.js';
export { REDACTED_PATHS } from './http/logging.js';
export {
  DEFAULTS as SERVICE_DEFAULTS,
  defaultPasswordConcurrency,
  type RateLimit,
  type RateLimits,
  type ServiceOptions,
  type Timeouts,
} from './http/options.js';
export { type RunningVerifierHttp, startVerifierHttpServer } from './http/server.js';
