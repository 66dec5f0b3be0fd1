#!/usr/bin/env node
// Committed as plain JavaScript so that `npm install` can link the `nemid` command before the
// TypeScript is built; the command itself is cli/dist/bin.js.
import { access } from 'node:fs/promises';

const target = new URL('../dist/bin.js', import.meta.url);
try {
  await access(target);
} catch {
  process.stderr.write('nemid: not built yet: run `npm run build` in the nemid-sim folder\n');
  process.exit(2);
}
await import(target.href);
