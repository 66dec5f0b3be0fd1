import { type Static, type TSchema, Type } from 'typebox';

/**
 * The reply bodies as JSON Schema. Fastify serialises each reply through its schema, so a field
 * not declared here never leaves the service.
 */

/** `T | null` as a type list, which the reply serialiser handles without trying each branch. */
export const Nullable = <T extends TSchema & { type: string }>(t: T) =>
  Type.Unsafe<Static<T> | null>({ ...t, type: [t.type, 'null'] });
const Purpose = Type.Enum(['logon', 'sign', 'token-block', 'token-unblock', 'token-replace', 'self-service']);

/**
 * A challenge to show. One object for both factors (not a union: the serialiser then need not
 * try each branch); which fields come with which factor is in their descriptions.
 */
export const Challenge = Type.Object(
  {
    challengeId: Type.String(),
    purpose: Purpose,
    factor: Type.Enum(['card', 'token']),
    cardNumber: Type.Optional(Type.String({ description: 'card: shown above the key field, A123-456-789' })),
    keyNumber: Type.Optional(Type.String({ description: 'card: the key number asked for, 4 digits (0042)' })),
    canSwitchToToken: Type.Optional(
      Type.Boolean({
        description: 'card: T-7, show "Skift til nøgleviser" (POST /v1/logon/switch-to-token)',
      }),
    ),
    tokenSerial: Type.Optional(Type.String({ description: 'token: the key display, dddd dddd dddd dddd' })),
    activation: Type.Optional(
      Type.Boolean({ description: 'token: T-7, the first valid code activates the key display' }),
    ),
    batchDigest: Nullable(
      Type.String({ description: 'sign: the digest of the batch the key approves (KC-7)' }),
    ),
    expiresAt: Type.Integer({ description: 'Milliseconds since the Unix epoch' }),
  },
  { title: 'Challenge' },
);
export const ChallengeReply = Type.Object({ challenge: Challenge });

/** S-3: the CPR number for a provider approved for it, else a pseudonym only that provider gets. */
export const Identity = Type.Object({
  kind: Type.Enum(['cpr', 'pseudonym']),
  cpr: Type.Optional(Type.String({ description: 'kind cpr: 10 digits' })),
  pseudonym: Type.Optional(Type.String({ description: 'kind pseudonym' })),
});
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

const ErrorFields = Type.Object({
  code: Type.String({ description: 'AUTH001..., LOCK00x, INVALID_INPUT, UNAUTHORIZED, RATE_LIMITED, ...' }),
  message: Type.String({ description: 'One sentence, safe to show; never a secret or a request value' }),
});

/** Every refusal. */
export const ErrorReply = Type.Object({ error: ErrorFields }, { title: 'Error' });

/** The refusals of the key steps: AUTH011 also carries the challenge to answer with the next code. */
export const KeyErrorReply = Type.Object(
  { error: ErrorFields, challenge: Type.Optional(Challenge) },
  { title: 'KeyError' },
);

/** The refusals every route can give (Fastify matches 4xx and 5xx by their first digit). */
export const REFUSALS = { '4xx': ErrorReply, '5xx': ErrorReply } as const;
export const KEY_REFUSALS = { '4xx': KeyErrorReply, '5xx': ErrorReply } as const;
