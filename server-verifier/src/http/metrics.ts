import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { VerifierError } from '../errors.js';
import type { VerifierEvent } from '../views.js';

/** Latency buckets (seconds): key checks take about a millisecond, password steps about 100 ms. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The service's Prometheus metrics, in a registry of its own (GET /metrics). */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'nemid_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'nemid_http_request_duration_seconds',
    help: 'Time from the request to the reply, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: BUCKETS,
    registers: [this.registry],
  });
  private readonly verifications = new Counter({
    name: 'nemid_verifications_total',
    help: 'Answered challenges (key card keys and key display codes), by factor and outcome (ok or the error code)',
    labelNames: ['factor', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly passwords = new Counter({
    name: 'nemid_password_checks_total',
    help: 'Password steps of log-ons, by outcome (ok or the error code)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly lockouts = new Counter({
    name: 'nemid_lockouts_total',
    help: 'Locks that began: a password locked (ID-3), a card or key display revoked after wrong keys (KC-9)',
    labelNames: ['factor'] as const,
    registers: [this.registry],
  });
  private readonly unavailable = new Counter({
    name: 'nemid_database_unavailable_total',
    help: 'Requests answered 503 because the database did not answer',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'nemid_' });
  }

  request(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.latency.observe({ method, route }, seconds);
  }

  verification(factor: 'card' | 'token', outcome: string): void {
    this.verifications.inc({ factor, outcome });
  }

  /** A failed answer: the error's factor when it names one. */
  failedVerification(err: unknown): void {
    if (!(err instanceof VerifierError)) return;
    this.verifications.inc({ factor: err.factor ?? 'unknown', outcome: err.code });
  }

  passwordCheck(outcome: string): void {
    this.passwords.inc({ outcome });
  }

  databaseUnavailable(): void {
    this.unavailable.inc();
  }

  /** Subscribed to the verifier's events. */
  event(e: VerifierEvent): void {
    if (e.type === 'password-locked') this.lockouts.inc({ factor: 'password' });
    else if (e.type === 'card-blocked' && e.reason === 'revoked') this.lockouts.inc({ factor: 'card' });
    else if (e.type === 'token-blocked' && e.reason === 'revoked') this.lockouts.inc({ factor: 'token' });
  }
}
