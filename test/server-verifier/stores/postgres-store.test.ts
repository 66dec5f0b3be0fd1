import { SchemaMismatchError } from '@nemid-sim/server-verifier';
import { openPostgresStore } from '@nemid-sim/server-verifier/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { storeConformanceSuite } from './conformance.js';
import { createTestSchema, type TestSchema } from './pg-env.js';
import { challenge, user } from './records.js';

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

describe('PostgreSQL store specifics', () => {
  it('with answerBatch 1, gives every answer a transaction of its own and still one accept', async () => {
    const s = await createTestSchema();
    schemas.push(s);
    const store = await openPostgresStore({
      connectionString: s.url,
      schema: s.schema,
      max: 4,
      answerBatch: 1,
    });
    await store.write({ insert: { users: [user(1)], challenges: [challenge('c1', { cardSerial: null })] } });
    const got = await Promise.all(
      Array.from({ length: 20 }, () => store.answer('c1', (r) => ({ result: r !== null }))),
    );
    expect(got.filter(Boolean)).toHaveLength(1);
    await store.close();
    await expect(
      openPostgresStore({ connectionString: s.url, schema: s.schema, answerBatch: 0 }),
    ).rejects.toThrow(RangeError);
  });

  it('with create: false, refuses a schema without the verifier tables and creates nothing', async () => {
    const s = await createTestSchema();
    schemas.push(s);
    await expect(
      openPostgresStore({ connectionString: s.url, schema: `${s.schema}_typo`, create: false }),
    ).rejects.toBeInstanceOf(SchemaMismatchError);
    const store = await openPostgresStore({ connectionString: s.url, schema: s.schema, max: 2 });
    await store.close();
    const again = await openPostgresStore({
      connectionString: s.url,
      schema: s.schema,
      create: false,
      max: 2,
    });
    expect(await again.getUser('nobody')).toBeNull();
    await again.close();
  });

  it('answers UNAVAILABLE, not the driver error, when the server cannot be reached', async () => {
    const s = await createTestSchema();
    schemas.push(s);
    const store = await openPostgresStore({ connectionString: s.url, schema: s.schema, max: 2 });
    await store.close();
    await expect(store.getUser('x')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(store.write({ insert: { users: [user(1)] } })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });
});
