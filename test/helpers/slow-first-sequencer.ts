import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest (an npm install, a browser, several processes, GC probes) start
 * first, so the two workers finish together. Vitest does this itself once it has timed a run, but
 * a fresh clone (CI) has no timings and starts the largest files first, which left the packaging
 * test running alone at the end.
 */
const SLOW = [
  'test/packaging/',
  'test/demo/browser.test.ts',
  'test/server-verifier/stores/concurrency.test.ts',
  'test/core/allocation.test.ts',
];

const rank = (spec: TestSpecification): number => {
  const i = SLOW.findIndex((path) => spec.moduleId.includes(path));
  return i === -1 ? SLOW.length : i;
};

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: the rest keep vitest's own order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
