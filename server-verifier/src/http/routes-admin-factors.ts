import { Type } from 'typebox';
import { type App, guard, type RouteContext } from './context.js';
import { Body, CardNumber, HexSecret, TokenSerial, UserId } from './fields.js';
import { DEFAULTS } from './options.js';
import { ServiceError } from './refusals.js';
import { Card, Done, REFUSALS, Token, TokenReply } from './replies.js';

const UserParams = Type.Object({ userId: UserId }, { additionalProperties: false });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

/** PSKC protection: a pre-shared key (hex) or a password, exactly one. */
const PskcSecretFields = {
  psk: Type.Optional(
    Type.String({ pattern: '^([0-9a-fA-F]{2}){16,32}$', description: 'Pre-shared key in hex' }),
  ),
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'PBKDF2 password' })),
};
function pskcSecrets(body: { psk?: string; password?: string }) {
  if ((body.psk === undefined) === (body.password === undefined))
    throw new ServiceError(400, 'INVALID_INPUT', 'Give exactly one of "psk" and "password".');
  return body.psk === undefined ? { password: body.password } : { psk: bytes(body.psk) };
}

/** Key cards (KC-*) and key displays (T-*) for the back office. */
export function adminFactorRoutes(app: App, ctx: RouteContext): void {
  const admin = guard(ctx, 'admin');
  const v = ctx.verifier;
  const route = { onRequest: admin.onRequest };
  const schema = (tag: string, summary: string, description?: string) => ({
    tags: [tag],
    summary,
    ...(description === undefined ? {} : { description }),
    security: admin.security,
  });
  const cards = 'admin: key cards';
  const tokens = 'admin: key displays';
  const done = { ok: true } as const;

  app.post(
    '/v1/admin/users/:userId/cards',
    {
      ...route,
      schema: {
        ...schema(
          cards,
          'Issue a key card to a user',
          'Without secret one is drawn and returned (hex) for the printer: print it, then forget it.',
        ),
        params: UserParams,
        body: Body({ cardNumber: CardNumber, secret: Type.Optional(HexSecret) }),
        response: {
          200: Type.Object({ cardNumber: Type.String(), secret: Type.Optional(Type.String()) }),
          ...REFUSALS,
        },
      },
    },
    async (request) => {
      const { cardNumber, secret } = request.body;
      const issued = await v.issueCard(request.params.userId, {
        serial: cardNumber,
        secret: secret === undefined ? undefined : bytes(secret),
      });
      return secret === undefined
        ? { cardNumber: issued.serial, secret: hex(issued.secret) }
        : { cardNumber: issued.serial };
    },
  );

  app.post(
    '/v1/admin/cards/import',
    {
      ...route,
      schema: {
        ...schema(
          cards,
          'Issue cards from a decrypted key-card batch',
          'Each card on its own: refusals are listed, the others issued.',
        ),
        body: Body({
          cards: Type.Array(Body({ userId: UserId, cardNumber: CardNumber, secret: HexSecret }), {
            minItems: 1,
            maxItems: 1000,
          }),
        }),
        response: {
          200: Type.Object({
            imported: Type.Array(Type.String()),
            refused: Type.Array(Type.Object({ cardNumber: Type.String(), reason: Type.String() })),
          }),
          ...REFUSALS,
        },
      },
    },
    async (request) => {
      const r = await v.importCards(
        request.body.cards.map((c) => ({ userId: c.userId, serial: c.cardNumber, secret: bytes(c.secret) })),
      );
      return {
        imported: r.imported,
        refused: r.refused.map((x) => ({ cardNumber: x.serial, reason: x.reason })),
      };
    },
  );

  app.get(
    '/v1/admin/users/:userId/cards',
    {
      ...route,
      schema: {
        ...schema(cards, "A user's key cards"),
        params: UserParams,
        response: { 200: Type.Object({ cards: Type.Array(Card) }), ...REFUSALS },
      },
    },
    async (request) => ({ cards: await v.listCards(request.params.userId) }),
  );

  app.post(
    '/v1/admin/cards/:cardNumber/block',
    {
      ...route,
      schema: {
        ...schema(cards, 'Block a key card at once (KC-5): lost, or found and handed in'),
        params: Type.Object({ cardNumber: CardNumber }, { additionalProperties: false }),
        body: Body({ reason: Type.Enum(['lost', 'found']) }),
        response: { 200: Done, ...REFUSALS },
      },
    },
    async (request) => {
      if (!(await v.blockCard(request.params.cardNumber, request.body.reason)))
        throw new ServiceError(404, 'NOT_FOUND', 'No key card has this number.');
      return done;
    },
  );

  app.post(
    '/v1/admin/tokens',
    {
      ...route,
      schema: {
        ...schema(tokens, "Register a vendor's key displays, secrets in hex (all or none)"),
        body: Body({
          tokens: Type.Array(
            Body({
              tokenSerial: TokenSerial,
              kind: Type.Enum(['hotp', 'totp']),
              secret: HexSecret,
              algorithm: Type.Optional(Type.Enum(['sha1', 'sha256', 'sha512'])),
              digits: Type.Optional(Type.Integer({ minimum: 6, maximum: 9 })),
              stepSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
              t0: Type.Optional(Type.Integer({ minimum: 0 })),
              counter: Type.Optional(Type.Integer({ minimum: 0 })),
              driftSteps: Type.Optional(Type.Integer()),
            }),
            { minItems: 1, maxItems: 10_000 },
          ),
        }),
        response: { 200: Type.Object({ registered: Type.Integer() }), ...REFUSALS },
      },
    },
    async (request) => ({
      registered: await v.registerTokens(
        request.body.tokens.map(({ tokenSerial, secret, ...t }) => ({
          ...t,
          serial: tokenSerial,
          secret: bytes(secret),
        })),
      ),
    }),
  );

  app.post(
    '/v1/admin/tokens/pskc',
    {
      ...route,
      bodyLimit: DEFAULTS.pskcBodyLimit,
      schema: {
        ...schema(
          tokens,
          "Register a vendor's PSKC delivery (RFC 6030, T-5): every key or none",
          'The document as XML text, or base64 of the file. Every MAC is checked before a secret is used; ' +
            'plain-text secrets and missing MACs are refused unless allowed.',
        ),
        body: Body({
          document: Type.String({ minLength: 1, maxLength: DEFAULTS.pskcBodyLimit }),
          encoding: Type.Optional(Type.Enum(['xml', 'base64'])),
          ...PskcSecretFields,
          allowPlaintext: Type.Optional(Type.Boolean()),
          allowMissingMac: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Type.Object({ registered: Type.Integer() }), ...REFUSALS },
      },
    },
    async (request) => {
      const b = request.body;
      const input = b.encoding === 'base64' ? new Uint8Array(Buffer.from(b.document, 'base64')) : b.document;
      const registered = await v.importPskc(input, pskcSecrets(b), {
        allowPlaintext: b.allowPlaintext,
        allowMissingMac: b.allowMissingMac,
      });
      return { registered };
    },
  );

  app.post(
    '/v1/admin/tokens/pskc/export',
    {
      ...route,
      schema: {
        ...schema(
          tokens,
          'The key displays in use or in stock as a PSKC document, for another server',
          'Secrets encrypted under psk or password and MACed; counters and clock offsets included.',
        ),
        body: Body({
          ...PskcSecretFields,
          mac: Type.Optional(Type.Enum(['hmac-sha1', 'hmac-sha256'])),
        }),
        response: { 200: Type.Object({ document: Type.String() }), ...REFUSALS },
      },
    },
    async (request) => ({
      document: await v.exportPskc(pskcSecrets(request.body), { mac: request.body.mac }),
    }),
  );

  app.post(
    '/v1/admin/users/:userId/token',
    {
      ...route,
      schema: {
        ...schema(tokens, 'Give an ordered key display to a user (T-5); it works once activated (T-7)'),
        params: UserParams,
        body: Body({ tokenSerial: TokenSerial }),
        response: { 200: TokenReply, ...REFUSALS },
      },
    },
    async (request) => ({ token: await v.assignToken(request.params.userId, request.body.tokenSerial) }),
  );

  app.get(
    '/v1/admin/users/:userId/token',
    {
      ...route,
      schema: {
        ...schema(tokens, "The user's key display, or null"),
        params: UserParams,
        response: { 200: Type.Object({ token: Type.Union([Token, Type.Null()]) }), ...REFUSALS },
      },
    },
    async (request) => ({ token: await v.getToken(request.params.userId) }),
  );

  for (const [action, summary] of [
    ['block', 'Block a lost key display (T-8, support by phone)'],
    ['unblock', 'Unblock a found key display (T-8)'],
  ] as const) {
    app.post(
      `/v1/admin/users/:userId/token/${action}`,
      {
        ...route,
        schema: {
          ...schema(tokens, summary),
          params: UserParams,
          body: Body({}),
          response: { 200: TokenReply, ...REFUSALS },
        },
      },
      async (request) => ({
        token:
          action === 'block'
            ? await v.blockTokenBySupport(request.params.userId)
            : await v.unblockTokenBySupport(request.params.userId),
      }),
    );
  }
}
