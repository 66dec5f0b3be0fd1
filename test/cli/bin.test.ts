import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cliDir = new URL('../../cli/', import.meta.url);

describe('the installed `nemid` command', () => {
  it('is a committed file (npm links it before the build) that runs the built command', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', cliDir), 'utf8')) as {
      bin: { nemid: string };
    };
    const bin = fileURLToPath(new URL(pkg.bin.nemid, cliDir));
    expect(pkg.bin.nemid).not.toContain('dist');
    const r = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('0.1.0');
  });
});
