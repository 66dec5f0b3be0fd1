/**
 * At most `limit` password steps (scrypt on node's thread pool) at once; the rest wait in order.
 * scrypt jobs that fill the pool make every other use of it wait (SQLite's WAL syncs among them),
 * so key checks would queue behind password hashes. Measured in BENCHMARKS.md (mixed load).
 */
export class PasswordGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next in line, so `running` stays at the limit.
      if (next === undefined) this.running--;
      else next();
    }
  }
}
