/** docs/openapi.json is what the service serves, and it is a valid OpenAPI 3.1 document. */
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from './service.js';

const committed = JSON.parse(readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'));
let s: TestService;
let served: {
  paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
};

beforeAll(async () => {
  s = await startService();
  const r = await s.call('/openapi.json', undefined, { key: 'none' });
  expect(r.status).toBe(200);
  served = JSON.parse(r.text);
});
afterAll(() => s.close());

describe('the OpenAPI document', () => {
  it('is committed as served (regenerate with `npm run openapi`)', () => {
    expect(committed).toEqual(served);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(served));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every endpoint, with the key it takes and its refusals', () => {
    const operations = Object.entries(served.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(35);
    for (const { path, method, op } of operations) {
      const where = `${method} ${path}`;
      if (path.startsWith('/v1/admin/')) expect(op.security, where).toEqual([{ adminKey: [] }]);
      else if (path.startsWith('/v1/')) expect(op.security, where).toEqual([{ backendKey: [] }]);
      else expect(op.security, where).toBeUndefined();
      if (path.startsWith('/v1/'))
        expect(Object.keys(op.responses), where).toEqual(expect.arrayContaining(['200', '4XX', '5XX']));
    }
    for (const path of [
      '/v1/logon',
      '/v1/logon/complete',
      '/v1/admin/users/{userId}/audit',
      '/health',
      '/ready',
      '/metrics',
    ]) {
      expect(served.paths[path], path).toBeDefined();
    }
  });
});
