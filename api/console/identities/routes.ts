// Teams, users and apps (CONTRACT.md 7.1). Each handler parses, then calls one application function.
import type { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { parseBody, parseQuery } from '../../http/body';
import { badRequest } from '../../http/api-error';
import { principalOf } from '../auth';
import { managingUsers } from '../middlewares';
import { PagingQuery } from '../validators';
import { CreateAppBody, CreateTeamBody, CreateUserBody, IdParam, UserListQuery } from './validators';
import {
  consoleAppView,
  createTeam,
  createTeamApp,
  createUser,
  getVisibleApp,
  listVisibleApps,
  revokeUser,
} from '../../../application/console/identities';
import { listUsers, listVisibleTeams } from '../../../application/console/identity-lists';
import { reviewExemptionStatus } from '../../../application/console/review-exemption';

const idOf = (value: unknown, what: string): string => {
  const r = IdParam.safeParse(value);
  if (!r.success) throw badRequest(`${what} is not an id this API gave`);
  return r.data;
};

export function identityRoutes(router: Router, { db }: ApiDeps): void {
  const deps = { db };

  router.get('/me', (_req, res) => {
    const { userId, name, role, teamId } = principalOf(res);
    res.json({ errCode: 0, userId, name, role, teamId });
  });

  router.post('/teams', async (req, res) => {
    const { name } = parseBody(req, CreateTeamBody);
    const team = await createTeam(deps, principalOf(res), name);
    res.status(201).json({ errCode: 0, teamId: team.teamId, name: team.name });
  });

  router.get('/teams', async (req, res) => {
    const page = await listVisibleTeams(deps, principalOf(res), parseQuery(req, PagingQuery));
    res.json({ errCode: 0, teams: page.items, nextCursor: page.nextCursor });
  });

  router.get('/users', managingUsers, async (req, res) => {
    const page = await listUsers(deps, principalOf(res), parseQuery(req, UserListQuery));
    res.json({ errCode: 0, users: page.items, nextCursor: page.nextCursor });
  });

  router.post('/users', async (req, res) => {
    const body = parseBody(req, CreateUserBody);
    const user = await createUser(deps, principalOf(res), body);
    res.status(201).json({ errCode: 0, ...user });
  });

  router.delete('/users/:userId', async (req, res) => {
    await revokeUser(deps, principalOf(res), idOf(req.params.userId, 'userId'));
    res.json({ errCode: 0 });
  });

  router.post('/teams/:teamId/apps', async (req, res) => {
    const teamId = idOf(req.params.teamId, 'teamId');
    const { name } = parseBody(req, CreateAppBody);
    const app = await createTeamApp(deps, principalOf(res), teamId, name);
    res.status(201).json({ errCode: 0, ...app });
  });

  router.get('/apps', async (req, res) => {
    const page = await listVisibleApps(deps, principalOf(res), parseQuery(req, PagingQuery));
    res.json({ errCode: 0, apps: page.items, nextCursor: page.nextCursor });
  });

  router.get('/apps/:appId', async (req, res) => {
    const app = await getVisibleApp(deps, principalOf(res), String(req.params.appId));
    res.json({ errCode: 0, ...consoleAppView(app), reviewExemption: await reviewExemptionStatus(deps, app.appId) });
  });
}
