// The mini games the signed-in user sees (7.1), and for those who may: a new team, a new game.
import { useState } from 'react';
import { Badge, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { post } from '../api';
import { createsApps, isPlatform, useSession } from '../session-context';
import { hrefOf, navigate } from '../router';
import { ActionButton, Empty, PageTitle } from '../ui';

export function AppsPage() {
  const { me, apps, reloadApps } = useSession();
  const [name, setName] = useState('');
  const [teamId, setTeamId] = useState(me.teamId ?? '');
  const [teamName, setTeamName] = useState('');
  const [createdTeam, setCreatedTeam] = useState<string>();
  return (
    <Stack>
      <PageTitle>Mini games</PageTitle>
      {apps.length === 0 ? (
        <Empty>No mini game yet.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>App ID</Table.Th>
                <Table.Th>Team</Table.Th>
                <Table.Th>Payment</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {apps.map((a) => (
                <Table.Tr key={a.appId}>
                  <Table.Td>
                    <Button variant="subtle" size="compact-sm" onClick={() => navigate(hrefOf('configuration', { app: a.appId }))}>
                      {a.name}
                    </Button>
                  </Table.Td>
                  <Table.Td>
                    <code>{a.appId}</code>
                  </Table.Td>
                  <Table.Td>
                    <code>{a.teamId}</code>
                  </Table.Td>
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
            {isPlatform(me.role) && <TextInput label="Team ID" value={teamId} onChange={(e) => setTeamId(e.currentTarget.value)} />}
            <ActionButton
              disabled={!name.trim() || !teamId.trim()}
              run={async () => {
                const app = await post<{ appId: string }>(`/teams/${encodeURIComponent(teamId.trim())}/apps`, { name: name.trim() });
                setName('');
                await reloadApps();
                navigate(hrefOf('apps', { app: app.appId }));
              }}
            >
              Create mini game
            </ActionButton>
          </Group>
        </Paper>
      )}
      {isPlatform(me.role) && (
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">
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
