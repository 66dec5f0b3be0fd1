/** The HTTP service: `@nemid-sim/server-verifier/http`. */
export {
  createVerifierHttpServer,
  type RunningVerifierHttp,
  startVerifierHttpServer,
  type VerifierHttpOptions,
} from './http/server.js';
