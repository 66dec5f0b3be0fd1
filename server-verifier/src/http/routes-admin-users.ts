import { Type } from 'typebox';
import { type App, guard, type RouteContext, sendText } from './context.js';
import { Body, LoginId, NO_CONTROL, Password, ProviderId, Reason, UserId } from './fields.js';
import { ServiceError } from './refusals.js';
import { AuditLine, Done, Nullable, REFUSALS, UserReply } from './replies.js';

const Params = Type.Object({ userId: UserId }, { additionalProperties: false });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: NO_CONTROL });
const OrNull = (max: number) => Type.Optional(Type.Union([Text(max), Type.Null()]));
const Millis = Type.String({ pattern: '^[0-9]{1,15}$', description: 'Milliseconds since the Unix epoch' });

/** Support and the bank's back office: users from enrolment to deletion, and their logs. */
export function adminUserRoutes(app: App, ctx: RouteContext): void {
  const admin = guard(ctx, 'admin');
  const v = ctx.verifier;
  const tags = ['admin: users'];
  const done = { ok: true } as const;
  const route = { onRequest: admin.onRequest };
  const schema = (summary: string, description?: string) => ({
    tags,
    summary,
    ...(description === undefined ? {} : { description }),
    security: admin.security,
  });

  app.put(
    '/v1/admin/providers/:providerId',
    {
      ...route,
      schema: {
        ...schema('Register or change a service provider (S-3, ID-5)'),
        params: Type.Object({ providerId: ProviderId }, { additionalProperties: false }),
        body: Body({ name: Text(200), cprApproved: Type.Boolean(), isBank: Type.Boolean() }),
        response: { 200: Done, ...REFUSALS },
      },
    },
    async (request) => {
      await v.registerProvider({ id: request.params.providerId, ...request.body });
      return done;
    },
  );

  app.post(
    '/v1/admin/users',
    {
      ...route,
      schema: {
        ...schema(
          'Enrol a user (ID-2, ID-5)',
          'Full NemID with a CPR number, else bank-only with a birth date.',
        ),
        body: Body({
          name: Text(200),
          cpr: OrNull(11),
          birthDate: OrNull(10),
          address: OrNull(500),
          mobile: OrNull(32),
          email: OrNull(254),
          alias: OrNull(64),
          password: Password,
        }),
        response: {
          200: Type.Object({
            userId: Type.String(),
            nemIdNumber: Type.String(),
            eligibility: Type.Enum(['full', 'bank-only']),
          }),
          ...REFUSALS,
        },
      },
    },
    async (request) => ctx.passwords.run(() => v.enrol(request.body)),
  );

  app.post(
    '/v1/admin/users/find',
    {
      ...route,
      schema: {
        ...schema(
          'Find a user by NemID number, CPR number or alias',
          'In the body, so a CPR number stays out of URLs and logs.',
        ),
        body: Body({ loginId: LoginId }),
        response: { 200: UserReply, ...REFUSALS },
      },
    },
    async (request) => {
      const user = await v.findUser(request.body.loginId);
      if (user === null)
        throw new ServiceError(404, 'NOT_FOUND', 'No user has this NemID number, CPR number or alias.');
      return { user };
    },
  );

  app.get(
    '/v1/admin/users/:userId',
    {
      ...route,
      schema: {
        ...schema("A user's details and state"),
        params: Params,
        response: { 200: UserReply, ...REFUSALS },
      },
    },
    async (request) => ({ user: await v.getUser(request.params.userId) }),
  );

  app.post(
    '/v1/admin/users/:userId/profile',
    {
      ...route,
      schema: {
        ...schema('Change name, address, mobile number or e-mail (S-1)'),
        params: Params,
        body: Body({
          name: Type.Optional(Text(200)),
          address: OrNull(500),
          mobile: OrNull(32),
          email: OrNull(254),
        }),
        response: { 200: Done, ...REFUSALS },
      },
    },
    async (request) => {
      await v.updateProfile(request.params.userId, request.body);
      return done;
    },
  );

  app.post(
    '/v1/admin/users/:userId/temporary-password',
    {
      ...route,
      schema: {
        ...schema(
          'Issue a temporary password (ID-3)',
          'It works at once, lifts a lock or block, and the user must change it. "sms" needs a mobile number ' +
            'on file; sendTo is where to send it.',
        ),
        params: Params,
        body: Body({ channel: Type.Enum(['bank', 'support', 'sms']) }),
        response: {
          200: Type.Object({ password: Type.String(), sendTo: Nullable(Type.String()) }),
          ...REFUSALS,
        },
      },
    },
    async (request) =>
      ctx.passwords.run(() => v.issueTemporaryPassword(request.params.userId, request.body.channel)),
  );

  app.post(
    '/v1/admin/users/:userId/unlock-password',
    {
      ...route,
      schema: {
        ...schema(
          'Lift a password lock before its 8 hours are over (ID-3)',
          'A password locked for good needs a temporary password (409).',
        ),
        params: Params,
        body: Body({}),
        response: { 200: Done, ...REFUSALS },
      },
    },
    async (request) => {
      await v.unlockPassword(request.params.userId);
      return done;
    },
  );

  app.post(
    '/v1/admin/users/:userId/block',
    {
      ...route,
      schema: {
        ...schema('Block the whole NemID on suspected misuse (S-4)'),
        params: Params,
        body: Body({ reason: Reason }),
        response: { 200: Done, ...REFUSALS },
      },
    },
    async (request) => {
      await v.blockNemId(request.params.userId, request.body.reason);
      return done;
    },
  );

  app.post(
    '/v1/admin/users/:userId/unblock',
    {
      ...route,
      schema: {
        ...schema('Unblock the NemID (S-4)'),
        params: Params,
        body: Body({}),
        response: { 200: Done, ...REFUSALS },
      },
    },
    async (request) => {
      await v.unblockNemId(request.params.userId);
      return done;
    },
  );

  app.delete(
    '/v1/admin/users/:userId',
    {
      ...route,
      schema: {
        ...schema(
          'Delete the NemID on request (KC-8)',
          'Its cards are blocked; the user cannot log on after this.',
        ),
        params: Params,
        response: { 200: Done, ...REFUSALS },
      },
    },
    async (request) => {
      await v.deleteNemId(request.params.userId);
      return done;
    },
  );

  app.put(
    '/v1/admin/users/:userId/reorder-threshold',
    {
      ...route,
      schema: {
        ...schema('Keys left on the current card at which a new card is ordered (KC-3)'),
        params: Params,
        body: Body({ keysLeft: Type.Integer({ minimum: 0, maximum: 1000 }) }),
        response: { 200: Done, ...REFUSALS },
      },
    },
    async (request) => {
      await v.setReorderThreshold(request.params.userId, request.body.keysLeft);
      return done;
    },
  );

  app.get(
    '/v1/admin/users/:userId/audit',
    {
      ...route,
      schema: {
        ...schema(
          "The user's log (S-1) as JSON lines, oldest first",
          'One AuditLine per line (application/x-ndjson); since inclusive, until exclusive.',
        ),
        params: Params,
        querystring: Type.Object(
          { since: Type.Optional(Millis), until: Type.Optional(Millis) },
          { additionalProperties: false },
        ),
        response: {
          200: {
            description: 'One AuditLine per line',
            content: { 'application/x-ndjson': { schema: AuditLine } },
          },
          ...REFUSALS,
        },
      },
    },
    async (request, reply) => {
      const { since, until } = request.query;
      const lines = await v.auditLog(request.params.userId, {
        since: since === undefined ? undefined : Number(since),
        until: until === undefined ? undefined : Number(until),
      });
      const text = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
      return sendText(reply, 'application/x-ndjson; charset=utf-8', text);
    },
  );
}
