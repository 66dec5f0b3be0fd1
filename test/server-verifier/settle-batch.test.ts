/**
 * SettleBatcher (group commit of PostgreSQL settlements) with a fake runner, no database: which
 * items go together to `many`, in which order, how many batches run at once, and what happens when
 * a batch fails or comes back short.
 */
import { describe, expect, it } from 'vitest';
import {
  SettleBatcher,
  type SettleRunner,
} from '../../server-verifier/src/store/sql/postgres-settle-batch.js';

/** Lets the batcher's setImmediate run (and everything it started synchronously). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Waits until `cond` holds, one event-loop turn at a time (bounded, so a bug fails instead of hanging). */
async function until(cond: () => boolean, turns = 100): Promise<void> {
  for (let i = 0; i < turns && !cond(); i++) await nextTurn();
  if (!cond()) throw new Error('the condition never held');
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A runner that records every call. By default `many` answers `many:<p>` per item and `one`
 * answers `one:<p>`; `manyImpl` / `oneImpl` replace that.
 */
class FakeRunner implements SettleRunner<string, string> {
  readonly manyCalls: string[][] = [];
  readonly oneCalls: string[] = [];
  manyImpl: (params: readonly string[]) => Promise<string[]> = async (ps) => ps.map((p) => `many:${p}`);
  oneImpl: (p: string) => Promise<string> = async (p) => `one:${p}`;
  /** Unset: the batcher's default (a failed batch is retried item by item). */
  retryAlone?: (err: unknown) => boolean;

  many(params: readonly string[]): Promise<string[]> {
    this.manyCalls.push([...params]);
    return this.manyImpl(params);
  }

  one(params: string): Promise<string> {
    this.oneCalls.push(params);
    return this.oneImpl(params);
  }
}

/** An item whose params and lock key are the same string. */
const item = (p: string) => ({ params: p, lockKey: p });

describe('SettleBatcher', () => {
  it('sends the items of one event-loop turn together as one many() call', async () => {
    const runner = new FakeRunner();
    const b = new SettleBatcher(runner, 4);
    const results = await Promise.all(['a', 'b', 'c'].map((p) => b.settle(item(p))));
    expect(runner.manyCalls).toEqual([['a', 'b', 'c']]);
    expect(runner.oneCalls).toEqual([]);
    expect(results).toEqual(['many:a', 'many:b', 'many:c']);
  });

  it('sends nothing before the turn ends', async () => {
    const runner = new FakeRunner();
    const b = new SettleBatcher(runner, 4);
    const p = Promise.all([b.settle(item('a')), b.settle(item('b'))]);
    // Still the same turn (microtasks included): nothing has gone out.
    await Promise.resolve();
    expect(runner.manyCalls).toEqual([]);
    expect(runner.oneCalls).toEqual([]);
    await p;
    expect(runner.manyCalls).toEqual([['a', 'b']]);
  });

  it('keeps items of different turns in different batches', async () => {
    const runner = new FakeRunner();
    const b = new SettleBatcher(runner, 4);
    const first = [b.settle(item('a')), b.settle(item('b'))];
    await nextTurn();
    const second = [b.settle(item('c')), b.settle(item('d'))];
    expect(await Promise.all([...first, ...second])).toEqual(['many:a', 'many:b', 'many:c', 'many:d']);
    expect(runner.manyCalls).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('sorts a batch by lockKey and gives each caller its own result', async () => {
    const runner = new FakeRunner();
    const b = new SettleBatcher(runner, 4);
    const items = [
      { params: 'p-first', lockKey: 'token-2' },
      { params: 'p-second', lockKey: 'card-9' },
      { params: 'p-third', lockKey: 'token-10' },
      { params: 'p-fourth', lockKey: 'card-1' },
      { params: 'p-fifth', lockKey: 'card-9' },
    ];
    const results = await Promise.all(items.map((i) => b.settle(i)));
    // Code-unit order of the keys ('token-10' < 'token-2'); equal keys keep their arrival order.
    expect(runner.manyCalls).toEqual([['p-fourth', 'p-second', 'p-fifth', 'p-third', 'p-first']]);
    // Results are matched back to the callers, not handed out in call order.
    expect(results).toEqual([
      'many:p-first',
      'many:p-second',
      'many:p-third',
      'many:p-fourth',
      'many:p-fifth',
    ]);
  });

  it('settles a batch of one through one()', async () => {
    const runner = new FakeRunner();
    const b = new SettleBatcher(runner, 4);
    expect(await b.settle(item('solo'))).toBe('one:solo');
    expect(runner.oneCalls).toEqual(['solo']);
    expect(runner.manyCalls).toEqual([]);
  });

  it('passes the error of one() on for a batch of one', async () => {
    const runner = new FakeRunner();
    runner.oneImpl = async () => {
      throw new Error('solo failed');
    };
    const b = new SettleBatcher(runner, 4);
    await expect(b.settle(item('solo'))).rejects.toThrow('solo failed');
    // The batcher goes on working afterwards.
    runner.oneImpl = async (p) => `one:${p}`;
    expect(await Promise.all([b.settle(item('x')), b.settle(item('y'))])).toEqual(['many:x', 'many:y']);
  });

  it('runs at most maxInFlight batches; items arriving meanwhile wait and go in the next batch', async () => {
    const runner = new FakeRunner();
    const held: Deferred<string[]>[] = [];
    runner.manyImpl = () => {
      const d = deferred<string[]>();
      held.push(d);
      return d.promise;
    };
    const b = new SettleBatcher(runner, 1);

    const first = [b.settle(item('a')), b.settle(item('b'))];
    await nextTurn();
    expect(runner.manyCalls).toEqual([['a', 'b']]);

    // Three more turns of items while the first batch is on its way: none of them is sent.
    const later: Promise<string>[] = [];
    for (const group of [['e', 'c'], ['d'], ['f']]) {
      for (const p of group) later.push(b.settle(item(p)));
      await nextTurn();
    }
    await nextTurn();
    expect(runner.manyCalls).toHaveLength(1);
    expect(runner.oneCalls).toEqual([]);

    // The first batch ends: everything that waited goes out as ONE batch, sorted.
    held[0].resolve(['ra', 'rb']);
    expect(await Promise.all(first)).toEqual(['ra', 'rb']);
    await until(() => runner.manyCalls.length === 2);
    expect(runner.manyCalls[1]).toEqual(['c', 'd', 'e', 'f']);
    // Nothing else is sent while that one is on its way.
    await nextTurn();
    expect(runner.manyCalls).toHaveLength(2);
    held[1].resolve(['rc', 'rd', 're', 'rf']);
    expect(await Promise.all(later)).toEqual(['re', 'rc', 'rd', 'rf']);
    expect(runner.oneCalls).toEqual([]);
  });

  it('runs up to maxInFlight batches side by side, and the next one only when one ends', async () => {
    const runner = new FakeRunner();
    const held: Deferred<string[]>[] = [];
    runner.manyImpl = () => {
      const d = deferred<string[]>();
      held.push(d);
      return d.promise;
    };
    const b = new SettleBatcher(runner, 2);
    const all: Promise<string>[] = [];
    const turn = async (...ps: string[]) => {
      for (const p of ps) all.push(b.settle(item(p)));
      await nextTurn();
    };
    await turn('a1', 'a2');
    await turn('b1', 'b2');
    expect(runner.manyCalls).toEqual([
      ['a1', 'a2'],
      ['b1', 'b2'],
    ]);
    await turn('c1', 'c2');
    await turn('d1');
    expect(runner.manyCalls).toHaveLength(2);

    // The second batch ends first: its slot goes to everything waiting.
    held[1].resolve(['rb1', 'rb2']);
    await until(() => runner.manyCalls.length === 3);
    expect(runner.manyCalls[2]).toEqual(['c1', 'c2', 'd1']);
    held[0].resolve(['ra1', 'ra2']);
    held[2].resolve(['rc1', 'rc2', 'rd1']);
    expect(await Promise.all(all)).toEqual(['ra1', 'ra2', 'rb1', 'rb2', 'rc1', 'rc2', 'rd1']);
    expect(runner.manyCalls).toHaveLength(3);
  });

  it('waits for a batch of one held in one() like any other batch', async () => {
    const runner = new FakeRunner();
    const held = deferred<string>();
    runner.oneImpl = () => held.promise;
    const b = new SettleBatcher(runner, 1);
    const solo = b.settle(item('solo'));
    await nextTurn();
    expect(runner.oneCalls).toEqual(['solo']);
    const later = [b.settle(item('y')), b.settle(item('x'))];
    await nextTurn();
    await nextTurn();
    expect(runner.manyCalls).toEqual([]);
    held.resolve('r-solo');
    expect(await solo).toBe('r-solo');
    expect(await Promise.all(later)).toEqual(['many:y', 'many:x']);
    expect(runner.manyCalls).toEqual([['x', 'y']]);
  });

  it('splits a turn into batches of at most maxItems, in arrival order, each sorted', async () => {
    const runner = new FakeRunner();
    const b = new SettleBatcher(runner, 8, 2);
    const ps = ['e', 'd', 'c', 'b', 'a'];
    const results = await Promise.all(ps.map((p) => b.settle(item(p))));
    expect(runner.manyCalls).toEqual([
      ['d', 'e'],
      ['b', 'c'],
    ]);
    // The fifth is a batch of one.
    expect(runner.oneCalls).toEqual(['a']);
    expect(results).toEqual(['many:e', 'many:d', 'many:c', 'many:b', 'one:a']);
  });

  it('uses the default of 64 items per batch', async () => {
    const runner = new FakeRunner();
    const b = new SettleBatcher(runner, 8);
    const ps = Array.from({ length: 129 }, (_, i) => `k${String(i).padStart(3, '0')}`);
    const results = await Promise.all(ps.map((p) => b.settle(item(p))));
    expect(runner.manyCalls.map((c) => c.length)).toEqual([64, 64]);
    expect(runner.oneCalls).toEqual(['k128']);
    expect([...runner.manyCalls.flat(), ...runner.oneCalls]).toEqual(ps);
    expect(results).toEqual(ps.map((p) => (p === 'k128' ? 'one:k128' : `many:${p}`)));
  });

  it('waits with the batches beyond maxInFlight of one big turn', async () => {
    const runner = new FakeRunner();
    const held: Deferred<string[]>[] = [];
    runner.manyImpl = (ps) => {
      const d = deferred<string[]>();
      held.push(d);
      return d.promise.then(() => ps.map((p) => `many:${p}`));
    };
    const b = new SettleBatcher(runner, 1, 2);
    const all = ['a', 'b', 'c', 'd'].map((p) => b.settle(item(p)));
    await nextTurn();
    expect(runner.manyCalls).toEqual([['a', 'b']]);
    held[0].resolve([]);
    await until(() => runner.manyCalls.length === 2);
    expect(runner.manyCalls[1]).toEqual(['c', 'd']);
    held[1].resolve([]);
    expect(await Promise.all(all)).toEqual(['many:a', 'many:b', 'many:c', 'many:d']);
  });

  it('settles every item of a refused batch again on its own through one(), in batch order', async () => {
    const runner = new FakeRunner();
    runner.manyImpl = async () => {
      throw new Error('deadlock detected');
    };
    const b = new SettleBatcher(runner, 4);
    const results = await Promise.all(['c', 'a', 'b'].map((p) => b.settle(item(p))));
    expect(runner.manyCalls).toEqual([['a', 'b', 'c']]);
    expect(runner.oneCalls).toEqual(['a', 'b', 'c']);
    expect(results).toEqual(['one:c', 'one:a', 'one:b']);
  });

  it('lets one item fail in the fallback without failing the others', async () => {
    const runner = new FakeRunner();
    runner.manyImpl = async () => {
      throw new Error('connection lost');
    };
    runner.oneImpl = async (p) => {
      if (p === 'b') throw new Error(`settling ${p} failed`);
      return `one:${p}`;
    };
    const b = new SettleBatcher(runner, 4);
    const results = await Promise.allSettled(['a', 'b', 'c'].map((p) => b.settle(item(p))));
    expect(results[0]).toEqual({ status: 'fulfilled', value: 'one:a' });
    expect(results[1].status).toBe('rejected');
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('settling b failed'));
    expect(results[2]).toEqual({ status: 'fulfilled', value: 'one:c' });
    // Every item was tried once on its own, the one after the failure included.
    expect(runner.oneCalls).toEqual(['a', 'b', 'c']);
  });

  it('does not hand the batch error to the items that then settle on their own', async () => {
    const runner = new FakeRunner();
    runner.manyImpl = async () => {
      throw new Error('batch error');
    };
    runner.oneImpl = async (p) => {
      throw new Error(`own error of ${p}`);
    };
    const b = new SettleBatcher(runner, 4);
    const results = await Promise.allSettled([b.settle(item('a')), b.settle(item('b'))]);
    expect(results.map((r) => (r as PromiseRejectedResult).reason.message)).toEqual([
      'own error of a',
      'own error of b',
    ]);
  });

  it('keeps working after a refused batch', async () => {
    const runner = new FakeRunner();
    let refuse = true;
    runner.manyImpl = async (ps) => {
      if (refuse) throw new Error('refused');
      return ps.map((p) => `many:${p}`);
    };
    const b = new SettleBatcher(runner, 1);
    expect(await Promise.all([b.settle(item('a')), b.settle(item('b'))])).toEqual(['one:a', 'one:b']);
    refuse = false;
    expect(await Promise.all([b.settle(item('c')), b.settle(item('d'))])).toEqual(['many:c', 'many:d']);
  });

  it('rejects the items a short result leaves without a row, and resolves the others', async () => {
    const runner = new FakeRunner();
    runner.manyImpl = async (ps) => [`many:${ps[0]}`];
    const b = new SettleBatcher(runner, 4);
    const results = await Promise.allSettled(['z', 'x', 'y'].map((p) => b.settle(item(p))));
    // Sorted: x got the only row; y and z got none.
    expect(results[1]).toEqual({ status: 'fulfilled', value: 'many:x' });
    for (const r of [results[0], results[2]]) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(Error);
      expect(String((r as PromiseRejectedResult).reason.message)).toMatch(/too few rows/);
    }
    // A short answer is not a refusal: nothing is settled again.
    expect(runner.oneCalls).toEqual([]);
  });

  it('rejects every item when many() returns no rows at all', async () => {
    const runner = new FakeRunner();
    runner.manyImpl = async () => [];
    const b = new SettleBatcher(runner, 4);
    const results = await Promise.allSettled([b.settle(item('a')), b.settle(item('b'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(runner.oneCalls).toEqual([]);
  });

  it('fails every item of a batch whose fate is unknown instead of settling them again', async () => {
    const runner = new FakeRunner();
    const lost = new Error('connection lost');
    runner.manyImpl = async () => {
      throw lost;
    };
    runner.retryAlone = (err) => err !== lost;
    const b = new SettleBatcher(runner, 4);
    const results = await Promise.allSettled([b.settle(item('a')), b.settle(item('b'))]);
    expect(results).toEqual([
      { status: 'rejected', reason: lost },
      { status: 'rejected', reason: lost },
    ]);
    expect(runner.oneCalls).toEqual([]);
    // A refusal the runner calls safe to retry is still settled item by item.
    runner.manyImpl = async () => {
      throw new Error('deadlock detected');
    };
    expect(await Promise.all([b.settle(item('c')), b.settle(item('d'))])).toEqual(['one:c', 'one:d']);
  });

  it('refuses limits that would stall it', () => {
    const runner = new FakeRunner();
    expect(() => new SettleBatcher(runner, 0)).toThrow(RangeError);
    expect(() => new SettleBatcher(runner, Number.NaN)).toThrow(/at least 1/);
    expect(() => new SettleBatcher(runner, 1.5)).toThrow(RangeError);
    expect(() => new SettleBatcher(runner, 2, 0)).toThrow(/items per batch/);
  });
});
