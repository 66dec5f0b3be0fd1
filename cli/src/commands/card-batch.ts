import { type Batch, readBatchFile, readKeyFile } from '@nemid-sim/key-card';
import type { Command } from 'commander';

export interface BatchOpts {
  secrets: string;
  keyFile: string;
}

/** Adds --secrets and --key-file, which every command that reads a batch needs. */
export function addBatchOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--secrets <file>', 'the encrypted batch file made by `nemid card new`')
    .requiredOption('--key-file <file>', 'the key file that batch was encrypted with (`nemid keygen`)');
}

export async function openBatch(opts: BatchOpts): Promise<Batch> {
  return readBatchFile(opts.secrets, await readKeyFile(opts.keyFile));
}
