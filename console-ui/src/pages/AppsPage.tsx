// The mini games the signed-in user sees (7.1), with their teams' names; for the platform roles
// every team (GET /teams) and a team filter; for those who may: a new team, a new game.
import { useState } from 'react';
import { Badge, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { post } from '../api';
import { createsApps, isPlatform, useSession } from '../session-context';
import { hrefOf, navigate } from '../router';
import { teamLabel, useTeams, type Team } from '../teams';
import { ActionButton, Empty, ErrorNote, PageTitle, Time } from '../ui';

const teamOptions = (teams: Team[] | undefined) => (teams ?? []).map((t) => ({ value: t.teamId, label: `${t.name} (${t.teamId})` }));

function TeamList({ teams, onPick }: { teams: Team[]; onPick(teamId: string): void }) {
  if (teams.length === 0) return <Empty>No team yet.</Empty>;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped data-testid="teams">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Team</Table.Th>
            <Table.Th>Team ID</Table.Th>
            <Table.Th>Mini games</Table.Th>
            <Table.Th>Active users</Table.Th>
            <Table.Th>Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {teams.map((t) => (
            <Table.Tr key={t.teamId}>
              <Table.Td>
                <Button variant="subtle" size="compact-sm" onClick={() => onPick(t.teamId)} aria-label={`Show the games of ${t.name}`}>
                  {t.name}
                </Button>
              </Table.Td>
              <Table.Td>
                <code>{t.teamId}</code>
              </Table.Td>
              <Table.Td>{t.apps}</Table.Td>
              <Table.Td>{t.activeUsers}</Table.Td>
              <Table.Td>
                <Time iso={t.createdAt} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function AppsPage() {
  const { me, apps, reloadApps } = useSession();
  const teams = useTeams();
  const platform = isPlatform(me.role);
  const [name, setName] = useState('');
  const [teamId, setTeamId] = useState<string | null>(me.teamId);
  const [teamFilter, setTeamFilter] = useState<string | null>(null);
  const [teamName, setTeamName] = useState('');
  const [createdTeam, setCreatedTeam] = useState<string>();
  const shown = teamFilter ? apps.filter((a) => a.teamId === teamFilter) : apps;
  return (
    <Stack>
      <PageTitle>Mini games</PageTitle>
      {platform && (
        <Select
          label="Filter by team"
          placeholder="All teams"
          data={teamOptions(teams.data)}
          value={teamFilter}
          onChange={setTeamFilter}
          clearable
          searchable
          w={{ base: '100%', sm: 320 }}
        />
      )}
      {shown.length === 0 ? (
        <Empty>{teamFilter ? 'This team has no mini game yet.' : 'No mini game yet.'}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped highlightOnHover data-testid="apps">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>App ID</Table.Th>
                <Table.Th>Team</Table.Th>
                <Table.Th>Payment</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((a) => (
                <Table.Tr key={a.appId}>
                  <Table.Td>
                    <Button variant="subtle" size="compact-sm" onClick={() => navigate(hrefOf('configuration', { app: a.appId }))}>
                      {a.name}
                    </Button>
                  </Table.Td>
                  <Table.Td>
                    <code>{a.appId}</code>
                  </Table.Td>
                  <Table.Td>{teamLabel(teams.data, a.teamId)}</Table.Td>
                  <Table.Td>
                    <Badge color={a.paymentEnabled ? 'green' : 'gray'} variant="light">
                      {a.paymentEnabled ? 'enabled' : 'not enabled'}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {createsApps(me.role) && (
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">
            New mini game
          </Title>
          <Group align="flex-end" wrap="wrap">
            <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
            {platform && (
              <Select
                label="Team"
                placeholder="Pick a team"
                data={teamOptions(teams.data)}
                value={teamId}
                onChange={setTeamId}
                searchable
              />
            )}
            <ActionButton
              disabled={!name.trim() || !teamId}
              run={async () => {
                const app = await post<{ appId: string }>(`/teams/${encodeURIComponent(teamId!)}/apps`, { name: name.trim() });
                setName('');
                await reloadApps();
                teams.reload();
                navigate(hrefOf('apps', { app: app.appId }));
              }}
            >
              Create mini game
            </ActionButton>
          </Group>
        </Paper>
      )}
      {platform && (
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">
            Teams
          </Title>
          <ErrorNote error={teams.error} />
          {teams.data && (
            <TeamList
              teams={teams.data}
              onPick={(id) => {
                setTeamFilter(id);
                window.scrollTo({ top: 0 });
              }}
            />
          )}
          <Title order={3} size="h5" mt="md" mb="xs">
            New team
          </Title>
          <Group align="flex-end" wrap="wrap">
            <TextInput label="Team name" value={teamName} onChange={(e) => setTeamName(e.currentTarget.value)} />
            <ActionButton
              disabled={!teamName.trim()}
              run={async () => {
                const team = await post<{ teamId: string }>('/teams', { name: teamName.trim() });
                setCreatedTeam(team.teamId);
                setTeamId(team.teamId);
                setTeamName('');
              }}
              onDone={teams.reload}
            >
              Create team
            </ActionButton>
          </Group>
          {createdTeam && (
            <Text size="sm" mt="sm" role="status">
              Team created: <code>{createdTeam}</code>
            </Text>
          )}
        </Paper>
      )}
    </Stack>
  );
}
