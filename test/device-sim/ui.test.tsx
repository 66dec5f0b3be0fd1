import { createOtpEngine, formatCode } from '@nemid-sim/core';
import { createDevice, type SavedDevice } from '@nemid-sim/device-sim';
import chalk from 'chalk';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { bigDigits, groupCode } from '../../device-sim/src/ui/big-digits.js';
import { DeviceApp } from '../../device-sim/src/ui/device-app.js';

const SECRET = new TextEncoder().encode('12345678901234567890');
const START = 1_767_225_600;
const BOX_DRAWING = /[\u2500-\u257f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for escape sequences is the point
const ESCAPE = /\u001b/;

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Waits (up to 5 s) until `check` passes: renders are asynchronous, and a busy machine is slow. */
async function until(check: () => void): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await tick();
    }
  }
}

function device(mode: 'hotp' | 'totp', clock: 'wall' | 'virtual' = 'virtual'): SavedDevice {
  return {
    firmware: createDevice({ secret: SECRET, startUnix: START, mode, seed: 1 }),
    seed: 1,
    clock,
    skewSeconds: 0,
  };
}

/** A wall clock that only moves when the test says so. */
function fakeClock(startMs: number) {
  let ms = startMs;
  return { now: () => ms, advance: (s: number) => (ms += s * 1000) };
}

let instances: { unmount: () => void }[] = [];
afterEach(() => {
  for (const i of instances) i.unmount();
  instances = [];
});

function show(d: SavedDevice, plain: boolean, clock = fakeClock(START * 1000)) {
  let saves = 0;
  const app = render(
    <DeviceApp device={d} plain={plain} now={clock.now} tickMs={10} onSave={() => saves++} />,
  );
  instances.push(app);
  return { app, clock, saves: () => saves };
}

describe('the terminal device', () => {
  it('a press (space) shows the HOTP code for counter 0 in big digits, then counter 1 (enter)', async () => {
    const d = device('hotp');
    const { app, saves } = show(d, false);
    await tick();
    app.stdin.write(' ');
    const first = groupCode(formatCode(createOtpEngine(SECRET).hotp(0, 6), 6));
    await until(() => {
      for (const row of bigDigits(first)) expect(app.lastFrame()).toContain(row);
    });
    app.stdin.write('\r');
    const second = groupCode(formatCode(createOtpEngine(SECRET).hotp(1, 6), 6));
    await until(() => {
      for (const row of bigDigits(second)) expect(app.lastFrame()).toContain(row);
    });
    expect(saves()).toBe(2);
  });

  it('a TOTP press shows the code for the device clock', async () => {
    const d = device('totp');
    const { app } = show(d, true);
    await tick();
    app.stdin.write(' ');
    await until(() => expect(d.firmware.presses).toBe(1));
    const t = Math.floor(d.firmware.deviceUnixAt(d.firmware.trueUnix));
    const code = groupCode(formatCode(createOtpEngine(SECRET).totp(t, 30, 6), 6));
    await until(() => expect(app.lastFrame()).toContain(`Code ${code}.`));
  });

  it('the rich view draws a box; the plain view has no box drawing and no escape codes', async () => {
    // Tests run without a terminal, so colours are off; turn them on, or "no escapes" proves nothing.
    const level = chalk.level;
    chalk.level = 1;
    try {
      await richAndPlain();
    } finally {
      chalk.level = level;
    }
  });

  async function richAndPlain() {
    const rich = show(device('hotp'), false);
    await tick();
    rich.app.stdin.write(' ');
    await until(() => expect(rich.app.lastFrame()).toContain('code shown'));
    expect(rich.app.lastFrame()).toMatch(BOX_DRAWING);
    expect(rich.app.lastFrame()).toMatch(ESCAPE);

    const plain = show(device('hotp'), true);
    await tick();
    const expected = [
      'Code ',
      'Speed: 1 minute per second.',
      'Skipped a day.',
      'Device clock ',
      'Speed: real time.',
    ];
    for (const [i, key] of [' ', '+', 'd', 's', '-'].entries()) {
      plain.app.stdin.write(key);
      await until(() => expect(plain.app.lastFrame()).toContain(expected[i]));
    }
    const all = plain.app.frames.join('\n');
    expect(all).not.toMatch(BOX_DRAWING);
    expect(all).not.toMatch(ESCAPE);
  }

  it('the display goes off after 30 s of (virtual) time', async () => {
    const d = device('hotp', 'wall');
    const { app, clock } = show(d, true);
    await tick();
    app.stdin.write(' ');
    await until(() => expect(d.firmware.state).toBe('showing'));
    clock.advance(29);
    await until(() => expect(d.firmware.trueUnix).toBe(START + 29));
    expect(d.firmware.state).toBe('showing');
    clock.advance(2);
    await until(() => expect(app.lastFrame()).toContain('Display off.'));
    expect(d.firmware.state).toBe('sleeping');
  });

  it('speed keys make virtual time run faster than the wall clock', async () => {
    const d = device('totp', 'wall');
    const { app, clock } = show(d, true);
    await tick();
    app.stdin.write('+');
    await until(() => expect(app.lastFrame()).toContain('Speed: 1 minute per second.'));
    app.stdin.write('+');
    await until(() => expect(app.lastFrame()).toContain('Speed: 1 hour per second.'));
    const before = d.firmware.trueUnix;
    clock.advance(2);
    // 1 hour per second: 2 s of wall time are 2 hours of device time.
    await until(() => expect(d.firmware.trueUnix - before).toBeCloseTo(7200, 6));
    expect(d.skewSeconds).toBeCloseTo(7198, 6);
  });

  it('q quits and saves', async () => {
    const d = device('hotp');
    const { app, saves } = show(d, true);
    await tick();
    app.stdin.write('q');
    await until(() => expect(saves()).toBe(1));
  });

  it('a dead device shows nothing when pressed', async () => {
    const d = device('hotp');
    d.firmware.advanceTo(START + 30 * 365 * 86_400);
    const { app } = show(d, false);
    await tick();
    app.stdin.write(' ');
    await until(() => expect(app.lastFrame()).toContain('(dead)'));
    expect(app.lastFrame()).not.toMatch(/█/);
    expect(d.firmware.presses).toBe(0);
  });
});
