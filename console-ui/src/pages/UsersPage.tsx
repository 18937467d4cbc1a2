// Team users (7.1): create a user with a role (its token shown once) and revoke one. Who may create
// which role: a super admin any; a platform admin team roles; an mp_admin team roles in its team.
import { useState } from 'react';
import { Alert, Button, Code, CopyButton, Group, Modal, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { del, post } from '../api';
import { ROLES, type Role } from '../../../lib/domain/console/permissions';
import { ROLE_LABELS, isPlatform, useSession } from '../session-context';
import { ActionButton, PageTitle } from '../ui';

interface CreatedUser {
  userId: string;
  name: string;
  role: Role;
  teamId: string | null;
  token: string;
}

const creatable = (role: Role): Role[] =>
  role === 'super_admin' ? [...ROLES].filter((r) => r !== 'super_admin') : ROLES.filter((r) => !isPlatform(r));

export function UsersPage() {
  const { me } = useSession();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('mp_developer');
  const [teamId, setTeamId] = useState(me.teamId ?? '');
  const [shown, setShown] = useState<CreatedUser>();
  const [created, setCreated] = useState<CreatedUser[]>([]);
  const [revokeId, setRevokeId] = useState('');
  const [revoked, setRevoked] = useState<string>();
  const needsTeam = !isPlatform(role);
  return (
    <Stack>
      <PageTitle>Team users</PageTitle>
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
            <TextInput label="Team ID" value={teamId} onChange={(e) => setTeamId(e.currentTarget.value)} />
          )}
          <ActionButton
            disabled={!name.trim() || (needsTeam && !teamId.trim())}
            run={async () => {
              const user = await post<CreatedUser>('/users', { name: name.trim(), role, ...(needsTeam ? { teamId: teamId.trim() } : {}) });
              setShown(user);
              setCreated((c) => [user, ...c]);
              setName('');
            }}
          >
            Create user
          </ActionButton>
        </Group>
        {created.length > 0 && (
          <Stack gap={4} mt="md">
            <Text size="sm" fw={600}>
              Created in this session
            </Text>
            {created.map((u) => (
              <Text size="sm" key={u.userId}>
                {u.name} · {ROLE_LABELS[u.role]} · <code>{u.userId}</code>
              </Text>
            ))}
          </Stack>
        )}
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          Revoke a user
        </Title>
        <Text size="sm" c="dimmed" mb="xs">
          The user&apos;s token stops working at once.
        </Text>
        <Group align="flex-end" wrap="wrap">
          <TextInput label="User ID" value={revokeId} onChange={(e) => setRevokeId(e.currentTarget.value)} />
          <ActionButton
            color="red"
            disabled={!revokeId.trim()}
            run={async () => {
              await del(`/users/${encodeURIComponent(revokeId.trim())}`);
              setRevoked(revokeId.trim());
              setRevokeId('');
            }}
          >
            Revoke
          </ActionButton>
        </Group>
        {revoked && (
          <Text size="sm" mt="xs" role="status">
            User <code>{revoked}</code> revoked.
          </Text>
        )}
      </Paper>
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
    </Stack>
  );
}
