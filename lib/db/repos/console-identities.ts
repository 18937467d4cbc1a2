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
