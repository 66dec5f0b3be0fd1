import { type TSchema, Type } from 'typebox';

/**
 * The reply bodies as JSON Schema. Fastify serialises each reply through its schema, so a field
 * not declared here never leaves the service.
 */

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Purpose = Type.Enum(['logon', 'sign', 'token-block', 'token-unblock', 'token-replace', 'self-service']);

export const CardChallenge = Type.Object(
  {
    challengeId: Type.String(),
    purpose: Purpose,
    factor: Type.Literal('card'),
    cardNumber: Type.String({ description: 'Shown above the key field: A123-456-789' }),
    keyNumber: Type.String({ description: '4 digits, 0042' }),
    canSwitchToToken: Type.Boolean({ description: 'T-7: show "Skift til nøgleviser"' }),
    batchDigest: Nullable(Type.String()),
    expiresAt: Type.Integer(),
  },
  { title: 'CardChallenge' },
);

export const TokenChallenge = Type.Object(
  {
    challengeId: Type.String(),
    purpose: Purpose,
    factor: Type.Literal('token'),
    tokenSerial: Type.String({ description: 'dddd dddd dddd dddd' }),
    activation: Type.Boolean({ description: 'T-7: the first valid code activates the key display' }),
    batchDigest: Nullable(Type.String()),
    expiresAt: Type.Integer(),
  },
  { title: 'TokenChallenge' },
);

export const Challenge = Type.Union([CardChallenge, TokenChallenge]);
export const ChallengeReply = Type.Object({ challenge: Challenge });

export const Identity = Type.Union([
  Type.Object({ kind: Type.Literal('cpr'), cpr: Type.String() }),
  Type.Object({ kind: Type.Literal('pseudonym'), pseudonym: Type.String() }),
]);
const Factor = Type.Enum(['card', 'token']);

export const LogonReply = Type.Object({
  result: Type.Object({
    userId: Type.String(),
    identity: Identity,
    factor: Factor,
    mustChangePassword: Type.Boolean(),
    tokenActivated: Type.Boolean(),
  }),
});

export const SigningReply = Type.Object({
  result: Type.Object({
    userId: Type.String(),
    identity: Identity,
    batchDigest: Type.String(),
    transactionCount: Type.Integer(),
    factor: Factor,
    tokenActivated: Type.Boolean(),
  }),
});

const TokenState = Type.Enum(['stock', 'assigned', 'active', 'blocked', 'revoked', 'retired']);

export const TokenActionReply = Type.Object({
  result: Type.Object({
    action: Type.Enum(['block', 'unblock', 'replace']),
    tokenSerial: Type.String(),
    state: TokenState,
  }),
});

export const User = Type.Object(
  {
    userId: Type.String(),
    nemIdNumber: Type.String(),
    cpr: Nullable(Type.String()),
    alias: Nullable(Type.String()),
    name: Type.String(),
    address: Nullable(Type.String()),
    mobile: Nullable(Type.String()),
    email: Nullable(Type.String()),
    eligibility: Type.Enum(['full', 'bank-only']),
    status: Type.Enum(['active', 'blocked', 'deleted']),
    siteLogOptIn: Type.Boolean(),
    reorderThreshold: Type.Integer(),
  },
  { title: 'User' },
);
export const UserReply = Type.Object({ user: User });

export const Card = Type.Object(
  {
    cardNumber: Type.String(),
    status: Type.Enum(['active', 'exhausted', 'blocked', 'revoked']),
    keysLeft: Type.Integer(),
    current: Type.Boolean(),
    reorderSent: Type.Boolean(),
    issuedAt: Type.Integer(),
  },
  { title: 'Card' },
);

export const Token = Type.Object(
  {
    tokenSerial: Type.String(),
    kind: Type.Enum(['hotp', 'totp']),
    state: TokenState,
    activatedAt: Nullable(Type.Integer()),
    lastUsedAt: Nullable(Type.Integer()),
  },
  { title: 'Token' },
);
export const TokenReply = Type.Object({ token: Token });

export const AuditLine = Type.Object(
  {
    at: Type.Integer(),
    userId: Nullable(Type.String()),
    ip: Nullable(Type.String()),
    providerId: Nullable(Type.String()),
    site: Nullable(Type.String()),
    factor: Type.Enum(['password', 'card', 'token', 'none']),
    action: Type.String(),
    outcome: Type.String(),
  },
  { title: 'AuditLine' },
);

export const Done = Type.Object({ ok: Type.Literal(true) });

/** Every refusal. AUTH011 also carries the challenge to answer with the next code. */
export const ErrorReply = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'AUTH001..., LOCK00x, INVALID_INPUT, UNAUTHORIZED, RATE_LIMITED, ...' }),
      message: Type.String({ description: 'One sentence, safe to show; never a secret or a request value' }),
    }),
    challenge: Type.Optional(Challenge),
  },
  { title: 'Error' },
);

/** The refusals every route can give (Fastify matches 4xx and 5xx by their first digit). */
export const REFUSALS = { '4xx': ErrorReply, '5xx': ErrorReply } as const;
