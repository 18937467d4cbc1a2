// The teams the signed-in user sees (GET /v1/console/teams: every team for the platform roles, its
// own for a team role), loaded whole for pickers and names; a console has tens of teams, not
// thousands, so the first 1,000 are plenty.
import { get } from './api';
import { useLoad, type Loaded } from './ui';

export interface Team {
  teamId: string;
  name: string;
  createdAt: string;
  apps: number;
  activeUsers: number;
}

export async function loadTeams(): Promise<Team[]> {
  const all: Team[] = [];
  let cursor: string | null = null;
  do {
    const page: { teams: Team[]; nextCursor: string | null } = await get('/teams', { limit: 200, cursor });
    all.push(...page.teams);
    cursor = page.nextCursor;
  } while (cursor && all.length < 1000);
  return all;
}

/** The teams, reloaded with `reload()` (after a team is created, say). */
export const useTeams = (): Loaded<Team[]> => useLoad(loadTeams, []);

/** "Team A (team0123…)" for a picker; the id alone when the team is not among those loaded. */
export const teamLabel = (teams: Team[] | undefined, teamId: string | null): string => {
  if (!teamId) return '—';
  const team = teams?.find((t) => t.teamId === teamId);
  return team ? team.name : teamId;
};
