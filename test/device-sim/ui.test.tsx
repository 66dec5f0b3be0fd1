import { createOtpEngine, formatCode } from '@nemid-sim/core';
import { createDevice, deviceNow, type SavedDevice } from '@nemid-sim/device-sim';
import chalk from 'chalk';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { bigDigits, groupCode } from '../../device-sim/src/ui/big-digits.js';
import { DeviceApp } from '../../device-sim/src/ui/device-app.js';
import { describeClockError } from '../../device-sim/src/ui/device-status.js';

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
  const saved: SavedDevice[] = [];
  const app = render(
    <DeviceApp device={d} plain={plain} now={clock.now} tickMs={10} onSave={(s) => saved.push(s)} />,
  );
  instances.push(app);
  return { app, clock, saves: () => saved.length, saved };
}

/** The last frame with its line breaks (ink wraps at the terminal's width) read as spaces. */
const words = (app: { lastFrame: () => string | undefined }): string =>
  (app.lastFrame() ?? '').replace(/\s+/g, ' ');

const totpCode = (unix: number): string =>
  groupCode(formatCode(createOtpEngine(SECRET).totp(unix, 30, 6), 6));

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
      'Skipped a day',
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

  it('speed keys run a simulation faster than the wall clock; the saved device stays in real time', async () => {
    const d = device('totp', 'wall');
    const { app, clock } = show(d, true);
    await tick();
    app.stdin.write('+');
    await until(() => expect(app.lastFrame()).toContain('Speed: 1 minute per second.'));
    expect(app.lastFrame()).toContain('Simulation: time runs faster than real time');
    app.stdin.write('+');
    await until(() => expect(app.lastFrame()).toContain('Speed: 1 hour per second.'));
    clock.advance(2);
    await until(() => expect(d.firmware.trueUnix).toBe(START + 2));
    // 1 hour per second: 2 s of wall time are 2 hours of simulated time.
    app.stdin.write('s');
    await until(() => expect(app.lastFrame()).toContain('Device clock 2026-01-01 02:00 UTC'));
    // The copy moved 7200 s, the saved device 2 s: 7198 s.
    expect(words(app)).toContain('Simulation, 120.0 minutes ahead of real time.');
    expect(d.skewSeconds).toBe(0);
  });

  it('a day skipped with d is not saved: after q the device file is in real time and its codes are current', async () => {
    const d = device('totp', 'wall');
    const { app, clock, saved } = show(d, true);
    await tick();
    app.stdin.write('d');
    await until(() =>
      expect(app.lastFrame()).toContain('Skipped a day (simulation, 24.0 hours ahead of real time)'),
    );
    app.stdin.write(' ');
    await until(() =>
      expect(app.lastFrame()).toMatch(/Code \d{3} \d{3} \(simulation, 24\.0 hours ahead of real time\)\./),
    );
    // A press in the simulation is not saved.
    expect(saved).toHaveLength(0);
    expect(d.firmware.presses).toBe(0);
    clock.advance(5);
    app.stdin.write('q');
    await until(() => expect(saved).toHaveLength(1));
    const file = saved[0];
    expect(file).toBe(d);
    expect(deviceNow(file, START + 5)).toBe(START + 5);
    expect(file.skewSeconds).toBe(0);
    // The device as saved shows the code for real time.
    const t = START + 5;
    expect(groupCode(formatCode(file.firmware.press(t), 6))).toBe(totpCode(file.firmware.deviceUnixAt(t)));
  });

  it('r ends the simulation: the display shows the saved device again', async () => {
    const d = device('totp', 'wall');
    const { app } = show(d, false);
    await tick();
    app.stdin.write('w');
    await until(() => expect(app.lastFrame()).toContain('SIMULATION'));
    expect(app.lastFrame()).toContain(
      '7.0 days ahead of real time; not saved; a server will refuse these codes',
    );
    expect(app.lastFrame()).toContain('Simulated true time 2026-01-08');
    app.stdin.write('r');
    await until(() => expect(app.lastFrame()).not.toContain('SIMULATION'));
    expect(app.lastFrame()).toContain('True time 2026-01-01 00:00:00 UTC');
  });

  it('k keeps the simulated state in the saved device, which then lives that far ahead (and says so)', async () => {
    const d = device('totp', 'wall');
    const { app, saved } = show(d, true);
    await tick();
    app.stdin.write('d');
    await until(() => expect(app.lastFrame()).toContain('Skipped a day'));
    app.stdin.write('k');
    await until(() => expect(saved).toHaveLength(1));
    expect(deviceNow(saved[0], START)).toBe(START + 86_400);
    expect(saved[0].skewSeconds).toBe(86_400);
    await until(() => expect(words(app)).toContain('Note: this device lives 24.0 hours ahead of real time'));
  });

  it('above real-time speed a pressed code stays on the display for its 30 real seconds', async () => {
    const d = device('totp', 'virtual');
    const { app, clock } = show(d, false);
    await tick();
    for (const key of ['+', '+', '+']) app.stdin.write(key);
    await until(() => expect(app.lastFrame()).toContain('speed 1 day per second'));
    app.stdin.write(' ');
    await until(() => expect(app.lastFrame()).toContain('code shown 30 s more'));
    expect(app.lastFrame()).toContain('(real time while a code is shown)');
    const code = bigDigits(totpCode(START + 0))[0];
    clock.advance(20);
    await until(() => expect(app.lastFrame()).toContain('code shown 10 s more'));
    expect(app.lastFrame()).toContain(code);
    clock.advance(10);
    await until(() => expect(app.lastFrame()).not.toContain('code shown'));
    // The display is off, so the chosen speed runs again: 2 s are 2 days.
    clock.advance(2);
    await until(() => expect(app.lastFrame()).toContain('Simulated true time 2026-01-03'));
  });

  it('a device that already lives ahead of real time says so', async () => {
    const d = device('totp', 'wall');
    d.skewSeconds = 86_400;
    const { app } = show(d, true);
    await until(() => expect(words(app)).toContain('Note: this device lives 24.0 hours ahead of real time'));
  });

  it('the clock error reads as words, never "0.0 s behind"', () => {
    expect(describeClockError(0)).toBe('on true time');
    expect(describeClockError(-0.01)).toBe('on true time');
    expect(describeClockError(2.44)).toBe('2.4 s ahead of true time');
    expect(describeClockError(-600)).toBe('10.0 min behind true time');
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
