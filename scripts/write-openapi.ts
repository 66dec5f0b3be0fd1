/**
 * Writes docs/openapi.json from the service's route schemas (`npm run openapi`). A test checks that
 * the committed file is what the service serves at /openapi.json.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createMemoryStore, createVerifier } from '@nemid-sim/server-verifier';
import { buildVerifierService } from '@nemid-sim/server-verifier/http';

const file = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
const verifier = createVerifier({ store: createMemoryStore(), masterKey: new Uint8Array(32) });
const { app } = await buildVerifierService(verifier);
writeFileSync(file, `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
execFileSync('npx', ['biome', 'format', '--write', file], { stdio: 'inherit' });
process.stdout.write(`wrote ${file}\n`);
