import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createOtpEngine, formatCode } from '@nemid-sim/core';
import { createVerifier, openSqliteStore } from '@nemid-sim/server-verifier';
const file = `/tmp/prof2-${Date.now()}.db`;
const store = openSqliteStore(file, { durability: 'normal', commitMode: process.env.MODE === 'each' ? 'each' : 'grouped' });
const clock = { now: Date.UTC(2026, 0, 5) };
const v = createVerifier({ store, masterKey: new Uint8Array(32).fill(7), clock: () => clock.now, policy: { scrypt: { N: 16, r: 1, p: 1 } } });
await v.registerProvider({ id: 'bank', name: 'B', cprApproved: true, isBank: true });
const users: { login: string; eng: ReturnType<typeof createOtpEngine>; c: number }[] = [];
for (let u = 0; u < 32; u++) {
  const secret = new Uint8Array(createHash('sha256').update(`t${u}`).digest()).slice(0, 20);
  const { userId, nemIdNumber } = await v.enrol({ name: 'x', birthDate: '1980-01-01', password: 'hemmelig42' });
  await v.issueCard(userId, { serial: `A${String(u).padStart(9, '0')}`, secret: new Uint8Array(32).fill(1) });
  const serial = `1111222233${String(u).padStart(6, '0')}`;
  await v.registerTokens([{ serial, kind: 'hotp', secret }]);
  await v.assignToken(userId, serial);
  const c0 = await v.startLogon({ userId: nemIdNumber, password: 'hemmelig42', providerId: 'bank' });
  const a = await v.switchToToken(c0.challengeId);
  const eng = createOtpEngine(secret, 'sha1');
  await v.completeLogon(a.challengeId, formatCode(eng.hotp(0, 6), 6));
  users.push({ login: nemIdNumber, eng, c: 0 });
}
let ms = 0, n = 0;
for (let r = 0; r < 150; r++) {
  const ch = await Promise.all(users.map((u) => v.startLogon({ userId: u.login, password: 'hemmelig42', providerId: 'bank' })));
  const t0 = performance.now();
  await Promise.all(ch.map((c, i) => { const u = users[i]; u.c++; return v.completeLogon(c.challengeId, formatCode(u.eng.hotp(u.c, 6), 6)); }));
  ms += performance.now() - t0; n += ch.length;
}
console.log(process.env.MODE ?? 'grouped', 'verifications/s', Math.round(n / (ms / 1000)));
await store.close();
