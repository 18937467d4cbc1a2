// Teams, users and apps (CONTRACT.md 7.1) as the OpenAPI document describes them: the bodies and
// parameters are the schemas ./routes.ts parses with.
import { z } from 'zod';
import { ROLES } from '../../../lib/domain/console/permissions';
import { EXEMPTION_STATUSES } from '../../../lib/db/repos/review-exemptions';
import { err, isoTime, nextCursor, ok } from '../../openapi/route-doc';
import { ConsoleCodes as C } from '../errors';
import { appNotFound, consoleGroup } from '../openapi-support';
import { AppPath, PagingQuery } from '../validators';
import { CreateAppBody, CreateTeamBody, CreateUserBody, IdParam, UserListQuery } from './validators';

/** An app as the console shows it (application/console/identities.ts consoleAppView). */
export const ConsoleApp = z
  .looseObject({
    appId: z.string(),
    name: z.string(),
    teamId: z.string().nullable(),
    paymentEnabled: z.boolean(),
    deliveryConfigured: z.boolean().meta({ description: 'it has a delivery URL and a key' }),
  })
  .meta({ id: 'ConsoleApp' });

const role = z.enum(ROLES);

/** A user as GET /users lists it (application/console/identity-lists.ts): never its token or the token's hash. */
const ListedUser = z
  .looseObject({
    userId: z.string(),
    name: z.string(),
    role,
    teamId: z.string().nullable(),
    teamName: z.string().nullable(),
    createdBy: z.string().meta({ description: 'the userId of its creator (`super_admin` for ADMIN_TOKEN)' }),
    createdAt: isoTime,
    revokedAt: isoTime.nullable().meta({ description: 'null while its token works' }),
  })
  .meta({ id: 'ConsoleUser' });

const ListedTeam = z
  .looseObject({
    teamId: z.string(),
    name: z.string(),
    createdAt: isoTime,
    apps: z.number().int().meta({ description: 'how many apps the team has' }),
    activeUsers: z.number().int().meta({ description: 'how many of its users are not revoked' }),
  })
  .meta({ id: 'ConsoleTeam' });
const teamRoles = 'super_admin, platform_admin, or an mp_admin of the team';

export const identityRoutes = consoleGroup('Console: teams, users, apps', 'CONTRACT.md 7.1.', [
  {
    method: 'get',
    path: '/me',
    summary: 'Who the token belongs to',
    success: {
      status: 200,
      description: 'the caller',
      schema: ok({ userId: z.string(), name: z.string(), role, teamId: z.string().nullable() }),
    },
    errors: [],
  },
  {
    method: 'post',
    path: '/teams',
    summary: 'Create a team (super_admin, platform_admin)',
    body: { schema: CreateTeamBody },
    success: { status: 201, description: 'the team', schema: ok({ teamId: z.string(), name: z.string() }) },
    errors: [err(403, C.forbidden, 'not a platform role')],
  },
  {
    method: 'get',
    path: '/teams',
    summary: 'The teams the caller may see',
    description: 'Every team for the platform roles, their own team for team roles; newest first.',
    query: PagingQuery,
    success: { status: 200, description: 'a page of teams', schema: ok({ teams: z.array(ListedTeam), nextCursor }) },
    errors: [],
  },
  {
    method: 'get',
    path: '/users',
    summary: 'The users the caller manages (super_admin, platform_admin, mp_admin)',
    description:
      "The platform roles: every user, or one team's with `teamId`; an mp_admin: its own team's. Newest first, revoked " +
      'users included (with `revokedAt`). The built-in super admin (ADMIN_TOKEN) is no user and is not listed.',
    query: UserListQuery,
    success: { status: 200, description: 'a page of users', schema: ok({ users: z.array(ListedUser), nextCursor }) },
    errors: [err(403, C.forbidden, "another team role; an mp_admin naming another team's teamId"), err(404, C.notFound, 'unknown team')],
  },
  {
    method: 'post',
    path: '/users',
    summary: 'Create a user; the token is shown only here',
    description:
      'A super admin creates any role; a platform admin creates team roles; an mp_admin creates team roles in its own ' +
      'team. Team roles need teamId; the two platform roles have none.',
    body: { schema: CreateUserBody },
    success: {
      status: 201,
      description: 'the user and its token',
      schema: ok({ userId: z.string(), name: z.string(), role, teamId: z.string().nullable(), token: z.string() }),
    },
    errors: [
      err(400, C.malformed, 'a team role without teamId, or a platform role with one'),
      err(403, C.forbidden, 'the caller may not create this role, or not in this team'),
      err(404, C.notFound, 'unknown team'),
    ],
  },
  {
    method: 'delete',
    path: '/users/{userId}',
    summary: 'Revoke a user: its token stops working at once (the same creators)',
    params: z.object({ userId: IdParam }),
    success: { status: 200, description: 'revoked', schema: ok() },
    errors: [
      err(400, C.malformed, 'userId is not an id this API gave'),
      err(403, C.forbidden, 'the caller may not manage this user'),
      err(404, C.notFound, 'unknown user'),
      err(409, C.wrongState, 'the user is already revoked'),
    ],
  },
  {
    method: 'post',
    path: '/teams/{teamId}/apps',
    summary: `Create an app in a team (${teamRoles})`,
    description: 'A new app has no delivery URL and no key yet.',
    params: z.object({ teamId: IdParam }),
    body: { schema: CreateAppBody },
    success: { status: 201, description: 'the app', schema: ok(ConsoleApp.shape) },
    errors: [
      err(400, C.malformed, 'teamId is not an id this API gave'),
      err(403, C.forbidden, 'the caller may not create apps in this team'),
      err(404, C.notFound, 'unknown team'),
    ],
  },
  {
    method: 'get',
    path: '/apps',
    summary: 'The apps the caller may see',
    description: 'Every app for the platform roles, the apps of their own team for team roles; newest first.',
    query: PagingQuery,
    success: { status: 200, description: 'a page of apps', schema: ok({ apps: z.array(ConsoleApp), nextCursor }) },
    errors: [],
  },
  {
    method: 'get',
    path: '/apps/{appId}',
    summary: 'One app',
    params: AppPath,
    success: {
      status: 200,
      description: 'the app, with the status of its review exemption',
      schema: ok({ ...ConsoleApp.shape, reviewExemption: z.enum(EXEMPTION_STATUSES) }),
    },
    errors: [appNotFound],
  },
]);
