// Teams and console users. A user's token is stored only as its SHA-256 (a high-entropy token
// needs no slow hash), looked up by that digest and compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db';
import type { Role } from '../../domain/console/permissions';
import type { Principal } from '../../domain/console/principal';

export interface Team {
  teamId: string;
  name: string;
  createdAt: Date;
}

export interface ConsoleUser extends Principal {
  createdAt: Date;
  revokedAt: Date | null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** 256 random bits: guessing one is out of reach, so SHA-256 of it is enough to keep. */
export const newConsoleToken = (): string => `vpc_${randomBytes(32).toString('base64url')}`;

const toTeam = (r: any): Team => ({ teamId: r.team_id, name: r.name, createdAt: r.created_at });
const toUser = (r: any): ConsoleUser => ({
  userId: r.user_id,
  name: r.name,
  role: r.role,
  teamId: r.team_id,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export async function insertTeam(db: Db, name: string): Promise<Team> {
  const [row] = await db('teams')
    .insert({ team_id: `team${randomBytes(8).toString('hex')}`, name })
    .returning('*');
  return toTeam(row);
}

export async function getTeam(db: Db, teamId: string): Promise<Team | undefined> {
  const row = await db('teams').where({ team_id: teamId }).first();
  return row ? toTeam(row) : undefined;
}

/** Creates a user and answers its token, which exists nowhere else from then on. */
export async function insertConsoleUser(
  db: Db,
  u: { name: string; role: Role; teamId: string | null; createdBy: string },
): Promise<{ user: ConsoleUser; token: string }> {
  const token = newConsoleToken();
  const [row] = await db('console_users')
    .insert({
      user_id: `usr${randomBytes(8).toString('hex')}`,
      name: u.name,
      role: u.role,
      team_id: u.teamId,
      token_hash: sha256(token),
      created_by: u.createdBy,
    })
    .returning('*');
  return { user: toUser(row), token };
}

export async function getConsoleUser(db: Db, userId: string): Promise<ConsoleUser | undefined> {
  const row = await db('console_users').where({ user_id: userId }).first();
  return row ? toUser(row) : undefined;
}

/** The active user holding this token; a revoked user's token stops working at once. */
export async function findUserByToken(db: Db, token: string): Promise<ConsoleUser | undefined> {
  const digest = sha256(token);
  const row = await db('console_users').where({ token_hash: digest }).whereNull('revoked_at').first();
  if (!row || !timingSafeEqual(Buffer.from(row.token_hash), digest)) return undefined;
  return toUser(row);
}

export async function revokeConsoleUser(db: Db, userId: string): Promise<boolean> {
  const n = await db('console_users').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
  return n > 0;
}

/** The sort key of a listed row: created_at as PostgreSQL prints it keeps its microseconds. */
export interface IdentityPageKey {
  createdAt: string;
  id: string;
}

/** A user as the console lists it: no token hash, its team's name beside its id. */
export interface ListedUser extends ConsoleUser {
  teamName: string | null;
  createdBy: string;
}

/** Users newest first, of one team or every one (the built-in super admin is no row). */
export async function listConsoleUsers(
  db: Db,
  o: { teamId?: string; limit: number; after?: IdentityPageKey },
): Promise<Array<{ user: ListedUser; key: IdentityPageKey }>> {
  // The columns are named: token_hash never leaves this file.
  const q = db('console_users as u')
    .leftJoin('teams as t', 't.team_id', 'u.team_id')
    .select(
      'u.user_id',
      'u.name',
      'u.role',
      'u.team_id',
      'u.created_by',
      'u.created_at',
      'u.revoked_at',
      't.name as team_name',
      db.raw('u.created_at::text as created_key'),
    )
    .orderBy([
      { column: 'u.created_at', order: 'desc' },
      { column: 'u.user_id', order: 'desc' },
    ])
    .limit(o.limit);
  if (o.teamId !== undefined) void q.where('u.team_id', o.teamId);
  if (o.after) void q.whereRaw('(u.created_at, u.user_id) < (?::timestamptz, ?)', [o.after.createdAt, o.after.id]);
  const rows = await q;
  return rows.map((r: any) => ({
    user: { ...toUser(r), teamName: r.team_name ?? null, createdBy: r.created_by },
    key: { createdAt: r.created_key, id: r.user_id },
  }));
}

/** A team as the console lists it, with how many apps and active users it has. */
export interface ListedTeam extends Team {
  apps: number;
  activeUsers: number;
}

/** Teams newest first: every team, or the one named. */
export async function listTeams(
  db: Db,
  o: { teamId?: string; limit: number; after?: IdentityPageKey },
): Promise<Array<{ team: ListedTeam; key: IdentityPageKey }>> {
  // A page is at most 201 teams; each count reads its team's rows through the team_id indexes.
  const q = db('teams as t')
    .select(
      't.team_id',
      't.name',
      't.created_at',
      db.raw('t.created_at::text as created_key'),
      db.raw('(select count(*) from apps a where a.team_id = t.team_id)::int as apps'),
      db.raw('(select count(*) from console_users u where u.team_id = t.team_id and u.revoked_at is null)::int as active_users'),
    )
    .orderBy([
      { column: 't.created_at', order: 'desc' },
      { column: 't.team_id', order: 'desc' },
    ])
    .limit(o.limit);
  if (o.teamId !== undefined) void q.where('t.team_id', o.teamId);
  if (o.after) void q.whereRaw('(t.created_at, t.team_id) < (?::timestamptz, ?)', [o.after.createdAt, o.after.id]);
  const rows = await q;
  return rows.map((r: any) => ({
    team: { ...toTeam(r), apps: r.apps, activeUsers: r.active_users },
    key: { createdAt: r.created_key, id: r.team_id },
  }));
}
