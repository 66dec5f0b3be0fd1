/**
 * Where one run of `nemid` writes. Users get the process's own streams; tests pass buffers, so a
 * command can be run in-process and its output read back.
 */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

export const PROCESS_IO: CliIo = { stdout: process.stdout, stderr: process.stderr };
