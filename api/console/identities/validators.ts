// Request bodies and list queries of the console's teams, users and apps (CONTRACT.md 7.1).
import { z } from 'zod';
import { ROLES } from '../../../lib/domain/console/permissions';
import { DisplayName, PagingQuery } from '../validators';

const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be an id this API gave');

export const CreateTeamBody = z.object({ name: DisplayName });
export const CreateUserBody = z.object({ name: DisplayName, role: z.enum(ROLES), teamId: Id.optional() });
export const CreateAppBody = z.object({ name: DisplayName });
export const IdParam = Id;

/** GET /users: a page, optionally of one team; an empty `teamId=` (an unset form field) is no filter. */
export const UserListQuery = PagingQuery.extend({
  teamId: z.preprocess((v) => (v === '' ? undefined : v), Id.optional()),
});
