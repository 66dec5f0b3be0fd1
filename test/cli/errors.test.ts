import { describe, expect, it } from 'vitest';
import { commanderErrorLine } from '../../cli/src/errors.js';

describe("commander's errors, as nemid prints them", () => {
  it.each([
    [
      "error: option '--counter <n>' argument '-1' is invalid. --counter must be a whole number from 0 to 9.",
      'nemid: --counter must be a whole number from 0 to 9.\n',
    ],
    [
      "error: option '-d, --durability <mode>' argument 'sloppy' is invalid. Allowed choices are full, relaxed.",
      'nemid: --durability must be one of full, relaxed.\n',
    ],
    ["error: option '--x <v>' argument 'secret' is invalid. Too long.", 'nemid: --x: Too long.\n'],
    [
      "error: command-argument value 'q' is invalid for argument 'mode'. Not a mode.",
      'nemid: mode: Not a mode.\n',
    ],
    [
      "error: unknown option '--countr'\n(Did you mean --counter?)\n",
      "nemid: unknown option '--countr' (Did you mean --counter?)\n",
    ],
    [
      "error: required option '--out <file>' not specified\n",
      "nemid: required option '--out <file>' not specified\n",
    ],
  ])('%j', (input, line) => {
    expect(commanderErrorLine(input)).toBe(line);
  });

  it('never repeats the value that was refused', () => {
    expect(commanderErrorLine("error: option '--x <v>' argument 'hunter2' is invalid. Bad.")).not.toContain(
      'hunter2',
    );
  });
});
