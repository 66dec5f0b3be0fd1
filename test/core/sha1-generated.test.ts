import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHA1_PATH, sha1Source } from '../../scripts/gen-sha1.js';

describe('core/src/sha1.ts', () => {
  it('is exactly what scripts/gen-sha1.ts generates (edit the script, then run it)', () => {
    expect(readFileSync(SHA1_PATH, 'utf8')).toBe(sha1Source());
  });
});
