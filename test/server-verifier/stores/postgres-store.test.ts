import { openPostgresStore } from '@nemid-sim/server-verifier/postgres';
import { afterAll } from 'vitest';
import { storeConformanceSuite } from './conformance.js';
import { createTestSchema, type TestSchema } from './pg-env.js';

// Each test gets a fresh schema with a random name; all are dropped when the file is done.
const schemas: TestSchema[] = [];
afterAll(async () => {
  await Promise.all(schemas.map((s) => s.drop()));
});

storeConformanceSuite('postgres', async () => {
  const s = await createTestSchema();
  schemas.push(s);
  return openPostgresStore({ connectionString: s.url, schema: s.schema, max: 8 });
});
