import { Command } from 'commander';
import { registerCardCommands } from './commands/card.js';
import { registerDeviceCommands } from './commands/device.js';
import { registerKeygenCommand } from './commands/keygen.js';
import { registerOtpCommands } from './commands/otp.js';
import { registerServerCommands } from './commands/server.js';
import { commanderErrorLine } from './errors.js';
import { type CliIo, PROCESS_IO } from './io.js';

export const VERSION = '0.1.0';

/** The whole `nemid` command tree. Each part registers its own subcommands. */
export function buildProgram(io: CliIo = PROCESS_IO): Command {
  // Output settings are copied into each subcommand when it is made, so they come first.
  const program = new Command('nemid')
    .description(
      'NemID simulator: one-time codes, key cards (nøglekort), a token device (nøgleviser) and a server verifier',
    )
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(commanderErrorLine(text)),
    })
    .version(VERSION)
    .exitOverride();
  registerOtpCommands(program, io);
  registerKeygenCommand(program, io);
  registerCardCommands(program, io);
  registerDeviceCommands(program, io);
  registerServerCommands(program);
  return program;
}
