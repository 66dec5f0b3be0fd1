import { Command } from 'commander';
import { registerCardCommands } from './commands/card.js';
import { registerDeviceCommands } from './commands/device.js';
import { registerKeygenCommand } from './commands/keygen.js';
import { registerOtpCommands } from './commands/otp.js';
import { registerServerCommands } from './commands/server.js';

export const VERSION = '0.1.0';

/** The whole `nemid` command tree. Each part registers its own subcommands. */
export function buildProgram(): Command {
  const program = new Command('nemid')
    .description(
      'NemID simulator: one-time codes, key cards (nøglekort), a token device (nøgleviser) and a server verifier',
    )
    .version(VERSION)
    .exitOverride();
  registerOtpCommands(program);
  registerKeygenCommand(program);
  registerCardCommands(program);
  registerDeviceCommands(program);
  registerServerCommands(program);
  return program;
}
