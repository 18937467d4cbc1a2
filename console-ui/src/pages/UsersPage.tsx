// Team users (7.1): who exists (GET /users: every user for the platform roles, with a team filter;
// its own team's for an mp_admin), a new user with a role (its token shown once), and a revoke on
// the rows the signed-in role may revoke (mayRevokeUser, the rule the API enforces: only the super
// admin revokes a platform user). Who may create which role: a super admin any; a platform admin
// team roles; an mp_admin team roles in its team.
import { useState } from 'react';
import { Alert, Button, Code, CopyButton, Group, Modal, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { del, get, post } from '../api';
import { ROLES, mayRevokeUser, type Role } from '../../../lib/domain/console/permissions';
import { ROLE_LABELS, isPlatform, useSession } from '../session-context';
import { teamLabel, useTeams, type Team } from '../teams';
import { ActionButton, Empty, ErrorNote, Loading, PageTitle, StatusBadge, Time, useLoad } from '../ui';
import { Pager, useCursorPages } from '../paging';

interface CreatedUser {
  userId: string;
  name: string;
  role: Role;
  teamId: string | null;
  token: string;
}

interface ListedUser {
  userId: string;
  name: string;
  role: Role;
  teamId: string | null;
  teamName: string | null;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

const creatable = (role: Role): Role[] =>
  role === 'super_admin' ? [...ROLES].filter((r) => r !== 'super_admin') : ROLES.filter((r) => !isPlatform(r));

const teamOptions = (teams: Team[] | undefined) => (teams ?? []).map((t) => ({ value: t.teamId, label: `${t.name} (${t.teamId})` }));

function NewUser({ teams, onCreated }: { teams: Team[] | undefined; onCreated(): void }) {
  const { me } = useSession();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('mp_developer');
  const [teamId, setTeamId] = useState<string | null>(me.teamId);
  const [shown, setShown] = useState<CreatedUser>();
  const needsTeam = !isPlatform(role);
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        New user
      </Title>
      <Group align="flex-end" wrap="wrap">
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Select
          label="Role"
          data={creatable(me.role).map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
          value={role}
          onChange={(v) => v && setRole(v as Role)}
          allowDeselect={false}
          w={280}
        />
        {needsTeam && isPlatform(me.role) && (
          <Select label="Team" placeholder="Pick a team" data={teamOptions(teams)} value={teamId} onChange={setTeamId} searchable w={280} />
        )}
        <ActionButton
          disabled={!name.trim() || (needsTeam && !teamId)}
          run={async () => {
            const user = await post<CreatedUser>('/users', { name: name.trim(), role, ...(needsTeam ? { teamId } : {}) });
            setShown(user);
            setName('');
          }}
          onDone={onCreated}
        >
          Create user
        </ActionButton>
      </Group>
      <Modal
        opened={Boolean(shown)}
        onClose={() => setShown(undefined)}
        title={`Token of ${shown?.name ?? ''}`}
        size="lg"
        closeOnClickOutside={false}
      >
        <Stack>
          <Alert color="red" title="Shown only now" role="alert">
            Hand this token to {shown?.name} now: vpay never shows it again. A lost token means revoking the user and creating another.
          </Alert>
          <Code block data-testid="user-token" style={{ wordBreak: 'break-all' }}>
            {shown?.token}
          </Code>
          <Group justify="space-between">
            <CopyButton value={shown?.token ?? ''}>
              {({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy token'}</Button>}
            </CopyButton>
            <Button variant="default" onClick={() => setShown(undefined)}>
              Done
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

/** Asks before revoking: the user's token stops working at once; a refusal is shown here, with its reason. */
function RevokeDialog({ user, onClose }: { user: ListedUser | undefined; onClose(revoked: boolean): void }) {
  return (
    <Modal opened={Boolean(user)} onClose={() => onClose(false)} title={`Revoke ${user?.name ?? ''}?`}>
      <Stack>
        <Text size="sm">
          {user?.name} ({user ? ROLE_LABELS[user.role] : ''}) can no longer sign in: the token stops working at once. This cannot be undone;
          a new user can be created instead.
        </Text>
        <Group justify="space-between" align="flex-start">
          <Button variant="default" onClick={() => onClose(false)}>
            Cancel
          </Button>
          <ActionButton color="red" run={() => del(`/users/${encodeURIComponent(user!.userId)}`)} onDone={() => onClose(true)}>
            Revoke user
          </ActionButton>
        </Group>
      </Stack>
    </Modal>
  );
}

function UserList({ teams, version }: { teams: Team[] | undefined; version: number }) {
  const { me } = useSession();
  const [teamFilter, setTeamFilter] = useState<string | null>(null);
  const pages = useCursorPages();
  const [revoking, setRevoking] = useState<ListedUser>();
  const [revoked, setRevoked] = useState<string>();
  const { cursor } = pages;
  const list = useLoad(
    () => get<{ users: ListedUser[]; nextCursor: string | null }>('/users', { teamId: teamFilter, limit: 50, cursor }),
    [teamFilter, cursor, version],
  );
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" align="flex-end" mb="sm" wrap="wrap">
        <Title order={2} size="h4">
          {isPlatform(me.role) ? 'Users' : 'Users of your team'}
        </Title>
        {isPlatform(me.role) && (
          <Select
            label="Filter by team"
            placeholder="All teams"
            data={teamOptions(teams)}
            value={teamFilter}
            onChange={(v) => {
              setTeamFilter(v);
              pages.reset();
            }}
            clearable
            searchable
            w={{ base: '100%', sm: 320 }}
          />
        )}
      </Group>
      {revoked && (
        <Text size="sm" mb="xs" role="status">
          {revoked} revoked: the token no longer works.
        </Text>
      )}
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data?.users.length === 0 ? (
        <Empty>No user yet.</Empty>
      ) : (
        list.data && (
          <Table.ScrollContainer minWidth={720}>
            <Table striped data-testid="users">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Team</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.users.map((u) => (
                  <Table.Tr key={u.userId}>
                    <Table.Td>
                      <Text size="sm">{u.name}</Text>
                      <Text size="xs" c="dimmed">
                        <code>{u.userId}</code>
                      </Text>
                    </Table.Td>
                    <Table.Td>{ROLE_LABELS[u.role]}</Table.Td>
                    <Table.Td>{u.teamName ?? (u.teamId ? teamLabel(teams, u.teamId) : 'platform')}</Table.Td>
                    <Table.Td>
                      <Time iso={u.createdAt} />
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={u.revokedAt ? 'REVOKED' : 'ACTIVE'} />
                      {u.revokedAt && (
                        <Text size="xs">
                          <Time iso={u.revokedAt} />
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {u.userId === me.userId ? (
                        <Text size="xs">you</Text>
                      ) : (
                        u.revokedAt === null &&
                        mayRevokeUser(me, u) && (
                          <Button size="xs" color="red" variant="light" aria-label={`Revoke ${u.name}`} onClick={() => setRevoking(u)}>
                            Revoke
                          </Button>
                        )
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )
      )}
      <Pager pages={pages} nextCursor={list.data?.nextCursor} mt="sm" />
      {revoking && (
        <RevokeDialog
          key={revoking.userId}
          user={revoking}
          onClose={(done) => {
            if (done) {
              setRevoked(revoking.name);
              list.reload();
            }
            setRevoking(undefined);
          }}
        />
      )}
    </Paper>
  );
}

export function UsersPage() {
  const teams = useTeams();
  const [version, setVersion] = useState(0);
  return (
    <Stack>
      <PageTitle>Team users</PageTitle>
      <NewUser teams={teams.data} onCreated={() => setVersion((v) => v + 1)} />
      <UserList teams={teams.data} version={version} />
    </Stack>
  );
}
