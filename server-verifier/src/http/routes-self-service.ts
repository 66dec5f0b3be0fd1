import { Type } from 'typebox';
import { type App, attemptLimit, guard, type RouteContext } from './context.js';
import { Body, ChallengeId, Key, NO_CONTROL, Origin, Password, TokenSerial, UserId } from './fields.js';
import { ChallengeReply, Done, Nullable, REFUSALS, TokenActionReply } from './replies.js';

/**
 * What the seed gives users to do themselves, called by the backend for a user logged on in its
 * session (the backend vouches for that; these endpoints take the backend's key).
 */
export function selfServiceRoutes(app: App, ctx: RouteContext): void {
  const backend = guard(ctx, 'backend');
  const tags = ['self-service'];
  const v = ctx.verifier;
  const done = { ok: true } as const;

  app.post(
    '/v1/self-service/password',
    {
      onRequest: backend.onRequest,
      schema: {
        tags,
        summary: 'Change the password (ID-4)',
        description:
          'A new password by the rules of ID-4 (a 4-digit PIN is allowed); it ends a temporary password (ID-3).',
        security: backend.security,
        body: Body({ userId: UserId, password: Password }),
        response: { 200: Done, ...REFUSALS },
      },
    },
    async (request) => {
      await ctx.passwords.run(() => v.changePassword(request.body.userId, request.body.password));
      return done;
    },
  );

  app.post(
    '/v1/self-service/alias',
    {
      onRequest: backend.onRequest,
      schema: {
        tags,
        summary: 'Set, change or remove (null) the self-chosen user id (ID-2)',
        security: backend.security,
        body: Body({
          userId: UserId,
          alias: Type.Union([Type.String({ minLength: 1, maxLength: 64, pattern: NO_CONTROL }), Type.Null()]),
        }),
        response: { 200: Type.Object({ alias: Nullable(Type.String()) }), ...REFUSALS },
      },
    },
    async (request) => ({ alias: await v.setAlias(request.body.userId, request.body.alias) }),
  );

  app.post(
    '/v1/self-service/site-logging',
    {
      onRequest: backend.onRequest,
      schema: {
        tags,
        summary: 'Opt in or out of logging which sites NemID was used on (S-1)',
        security: backend.security,
        body: Body({ userId: UserId, on: Type.Boolean() }),
        response: { 200: Done, ...REFUSALS },
      },
    },
    async (request) => {
      await v.setSiteLogging(request.body.userId, request.body.on);
      return done;
    },
  );

  app.post(
    '/v1/self-service/order-card',
    {
      onRequest: backend.onRequest,
      schema: {
        tags,
        summary: 'Order a new key card (KC-3, KC-5)',
        description: 'The bank prints it: the verifier emits a card-ordered event and logs it.',
        security: backend.security,
        body: Body({
          userId: UserId,
          reason: Type.Enum(['lost', 'running-out', 'extra']),
        }),
        response: { 200: Done, ...REFUSALS },
      },
    },
    async (request) => {
      await v.orderCard(request.body.userId, request.body.reason);
      return done;
    },
  );

  app.post(
    '/v1/self-service/token-action',
    {
      onRequest: backend.onRequest,
      preHandler: attemptLimit(ctx, 'backend'),
      schema: {
        tags,
        summary: 'Block, unblock or replace the key display (T-3, T-8): start',
        description:
          'Always answered with a key from the key card (which is why the card must be kept). ' +
          '"replace" needs newTokenSerial.',
        security: backend.security,
        body: Body({
          userId: UserId,
          action: Type.Enum(['block', 'unblock', 'replace']),
          newTokenSerial: Type.Optional(TokenSerial),
          ...Origin,
        }),
        response: { 200: ChallengeReply, ...REFUSALS },
      },
    },
    async (request) => ({ challenge: await v.startTokenAction(request.body) }),
  );

  app.post(
    '/v1/self-service/token-action/complete',
    {
      onRequest: backend.onRequest,
      schema: {
        tags,
        summary: 'Block, unblock or replace the key display: the card key',
        security: backend.security,
        body: Body({ challengeId: ChallengeId, key: Key }),
        response: { 200: TokenActionReply, ...REFUSALS },
      },
    },
    async (request) => {
      try {
        const result = await v.completeTokenAction(request.body.challengeId, request.body.key);
        ctx.metrics.verification('card', 'ok');
        return { result };
      } catch (err) {
        ctx.metrics.failedVerification(err);
        throw err;
      }
    },
  );
}
