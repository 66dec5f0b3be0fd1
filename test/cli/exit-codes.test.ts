import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '@nemid-sim/cli';
import { describe, expect, it } from 'vitest';
import { nemid } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nemid-exit-'));

describe('exit codes of the whole command (docs/cli.md)', () => {
  it('docs/cli.md explains every exit code the command uses', () => {
    const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    for (const code of [...Object.values(EXIT), 130, 143])
      expect(doc).toMatch(new RegExp(`^\\|\\s+${code} \\|`, 'm'));
  });

  it.each([[['--help']], [['--version']], [['help', 'card']], [['card', 'print', '--help']]])(
    '%j exits 0 with its text on stdout',
    async (args) => {
      const r = await nemid(args);
      expect(r).toMatchObject({ status: 0, stderr: '' });
      expect(r.stdout).not.toBe('');
    },
  );

  it.each([[[]], [['card']], [['server', 'card']]])(
    'a group without its command %j is bad input (exit 2)',
    async (args) => {
      const r = await nemid(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
    },
  );

  it.each([
    [['card', 'list', '--secrets', dir, '--key-file', dir], /is a folder, not a (key|secrets) file/],
    [['card', 'list', '--secrets', join(dir, 'none'), '--key-file', join(dir, 'none')], /no such file/],
    [['device', 'press', '--device', dir], /is a folder, not a device file/],
    [['keygen', '--out', dir], /already exists/],
  ])('a folder or a missing file given as a file: %j exits 2 with one line', async (args, message) => {
    const r = await nemid(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^nemid: [^\n]+\n$/);
    expect(r.stderr).toMatch(message);
  });
});
