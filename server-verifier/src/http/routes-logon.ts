import { VerifierError } from '../errors.js';
import { type App, attemptLimit, guard, type RouteContext } from './context.js';
import {
  Body,
  ChallengeId,
  Key,
  LoginId,
  Origin,
  Password,
  ProviderId,
  Transactions,
  UserId,
} from './fields.js';
import { ServiceError } from './refusals.js';
import { ChallengeReply, KEY_REFUSALS, LogonReply, REFUSALS, SigningReply } from './replies.js';

/**
 * Log-on (ID-1) and signing (KC-7) for the backend. The backend passes the end user's IP address
 * and, for the user's opt-in site log, the site's host name (S-1).
 */
export function logonRoutes(app: App, ctx: RouteContext): void {
  const backend = guard(ctx, 'backend');
  const limited = { preHandler: attemptLimit(ctx, 'backend') };
  const tags = ['log-on and signing'];

  /** Counts an answered challenge by factor and outcome. */
  async function answered<T extends { factor: 'card' | 'token' }>(work: Promise<{ result: T }>) {
    try {
      const reply = await work;
      ctx.metrics.verification(reply.result.factor, 'ok');
      return reply;
    } catch (err) {
      ctx.metrics.failedVerification(err);
      throw err;
    }
  }

  app.post(
    '/v1/logon',
    {
      onRequest: backend.onRequest,
      ...limited,
      schema: {
        tags,
        summary: 'Password step of a log-on (ID-1, ID-2)',
        description:
          'User id (NemID number, CPR number or alias) and password. Returns the key-card or key-display ' +
          'challenge to show. An unknown user id fails exactly like a wrong password (AUTH001).',
        security: backend.security,
        body: Body({ userId: LoginId, password: Password, providerId: ProviderId, ...Origin }),
        response: { 200: ChallengeReply, ...REFUSALS },
      },
    },
    async (request) => {
      try {
        const challenge = await ctx.passwords.run(() => ctx.verifier.startLogon(request.body));
        ctx.metrics.passwordCheck('ok');
        return { challenge };
      } catch (err) {
        if (err instanceof VerifierError) ctx.metrics.passwordCheck(err.code);
        throw err;
      }
    },
  );

  app.post(
    '/v1/logon/switch-to-token',
    {
      onRequest: backend.onRequest,
      schema: {
        tags,
        summary: '"Skift til nøgleviser" on a card challenge (T-7)',
        description:
          'A card challenge with canSwitchToToken -> a key-display challenge whose first valid code activates it.',
        security: backend.security,
        body: Body({ challengeId: ChallengeId }),
        response: { 200: ChallengeReply, ...REFUSALS },
      },
    },
    async (request) => ({ challenge: await ctx.verifier.switchToToken(request.body.challengeId) }),
  );

  app.post(
    '/v1/logon/complete',
    {
      onRequest: backend.onRequest,
      schema: {
        tags,
        summary: 'Key step of a log-on',
        description: 'The key from the card, or the code from the key display -> who logged on.',
        security: backend.security,
        body: Body({ challengeId: ChallengeId, key: Key }),
        response: { 200: LogonReply, ...KEY_REFUSALS },
      },
    },
    async (request) =>
      answered(
        ctx.verifier.completeLogon(request.body.challengeId, request.body.key).then((result) => ({ result })),
      ),
  );

  app.post(
    '/v1/challenge',
    {
      onRequest: backend.onRequest,
      schema: {
        tags,
        summary: 'A challenge as the screen shows it (to show it again)',
        description: 'An expired, answered or unknown challenge is 404.',
        security: backend.security,
        body: Body({ challengeId: ChallengeId }),
        response: { 200: ChallengeReply, ...REFUSALS },
      },
    },
    async (request) => {
      const challenge = await ctx.verifier.getChallenge(request.body.challengeId);
      if (challenge === null)
        throw new ServiceError(404, 'NOT_FOUND', 'No such challenge, or it has expired.');
      return { challenge };
    },
  );

  app.post(
    '/v1/sign',
    {
      onRequest: backend.onRequest,
      ...limited,
      schema: {
        tags,
        summary: 'Start signing a batch of transactions (KC-7)',
        description: 'One key approves the whole batch; the challenge is bound to its digest.',
        security: backend.security,
        body: Body({ userId: UserId, providerId: ProviderId, transactions: Transactions, ...Origin }),
        response: { 200: ChallengeReply, ...REFUSALS },
      },
    },
    async (request) => ({ challenge: await ctx.verifier.startSigning(request.body) }),
  );

  app.post(
    '/v1/sign/complete',
    {
      onRequest: backend.onRequest,
      schema: {
        tags,
        summary: 'The key for a signing challenge, with the exact batch shown',
        description: 'Another batch than the one the challenge was made for fails with AUTH009.',
        security: backend.security,
        body: Body({ challengeId: ChallengeId, key: Key, transactions: Transactions }),
        response: { 200: SigningReply, ...KEY_REFUSALS },
      },
    },
    async (request) => {
      const { challengeId, key, transactions } = request.body;
      return answered(
        ctx.verifier.completeSigning(challengeId, key, transactions).then((result) => ({ result })),
      );
    },
  );
}
