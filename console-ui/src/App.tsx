// The console: sign in with a token, then a layout whose navigation lists only the pages the
// signed-in role may open (each page also hides the actions the role may not take).
import { useCallback, useEffect, useState, type ComponentType } from 'react';
import { AppShell, Badge, Burger, Button, Group, NavLink, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { ApiError, get, whenSignedOut } from './api';
import { clearToken, getToken, setToken } from './session';
import { SessionContext, ROLE_LABELS, managesUsers, type ConsoleApp, type Me } from './session-context';
import { may, type Role } from '../../lib/domain/console/permissions';
import { hrefOf, navigate, useLocation } from './router';
import { AppPicker, ErrorNote, Loading, asApiError } from './ui';
import { AppsPage } from './pages/AppsPage';
import { EnablementPage } from './pages/EnablementPage';
import { ConfigurationPage } from './pages/ConfigurationPage';
import { ItemsPage } from './pages/ItemsPage';
import { OrdersPage } from './pages/OrdersPage';
import { RefundsPage } from './pages/RefundsPage';
import { AuditPage } from './pages/AuditPage';
import { UsersPage } from './pages/UsersPage';
import { DashboardPage } from './pages/DashboardPage';

interface PageDef {
  path: string;
  label: string;
  component: ComponentType;
  /** Whether the role sees the page at all. */
  visible(role: Role): boolean;
  /** Whether the page is about one app (the header then shows the app picker). */
  perApp: boolean;
}

export const PAGES: PageDef[] = [
  { path: '', label: 'Dashboard', component: DashboardPage, visible: (r) => may(r, 'orders.view'), perApp: true },
  { path: 'apps', label: 'Mini games', component: AppsPage, visible: () => true, perApp: false },
  { path: 'enablement', label: 'Payment enablement', component: EnablementPage, visible: () => true, perApp: true },
  {
    path: 'configuration',
    label: 'Basic configuration',
    component: ConfigurationPage,
    visible: (r) => may(r, 'delivery.view'),
    perApp: true,
  },
  { path: 'items', label: 'Virtual items', component: ItemsPage, visible: (r) => may(r, 'items.view'), perApp: true },
  { path: 'orders', label: 'Order records', component: OrdersPage, visible: (r) => may(r, 'orders.view'), perApp: true },
  { path: 'after-sales', label: 'After-sales records', component: RefundsPage, visible: (r) => may(r, 'refunds.view'), perApp: true },
  { path: 'audit', label: 'Audit log', component: AuditPage, visible: (r) => may(r, 'audit.view'), perApp: false },
  { path: 'users', label: 'Team users', component: UsersPage, visible: managesUsers, perApp: false },
];

function SignIn({ onSignedIn, error }: { onSignedIn: (token: string) => void; error?: ApiError }) {
  const [token, setTokenValue] = useState('');
  return (
    <Stack align="center" justify="center" mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (token.trim()) onSignedIn(token.trim());
          }}
        >
          <Stack>
            <Title order={1} size="h2">
              vpay console
            </Title>
            <Text size="sm" c="dimmed">
              Sign in with your console token (shown once when your user was created), or the admin token that <code>npm start</code>{' '}
              printed. It is kept for this tab only.
            </Text>
            <PasswordInput label="Console token" value={token} onChange={(e) => setTokenValue(e.currentTarget.value)} autoFocus required />
            <ErrorNote error={error} title="Could not sign in" />
            <Button type="submit">Sign in</Button>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}

function Layout({ me, signOut }: { me: Me; signOut(): void }) {
  const [opened, { toggle, close }] = useDisclosure();
  const { page } = useLocation();
  const pages = PAGES.filter((p) => p.visible(me.role));
  const current = pages.find((p) => p.path === page);
  useEffect(() => {
    document.title = `${current?.label ?? 'Not found'} · vpay console`;
  }, [current]);
  const Page = current?.component;
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap" gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Navigation" />
            <Text fw={700}>vpay console</Text>
          </Group>
          <Group wrap="nowrap" gap="sm">
            <Badge variant="outline" visibleFrom="xs" data-testid="whoami">
              {me.name} · {ROLE_LABELS[me.role]}
            </Badge>
            <Button variant="subtle" size="xs" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Console pages">
        {pages.map((p) => (
          <NavLink
            key={p.path}
            href={hrefOf(p.path)}
            label={p.label}
            active={p.path === page}
            aria-current={p.path === page ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              close();
              navigate(hrefOf(p.path));
            }}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Stack component="main" gap="md">
          {current?.perApp && <AppPicker />}
          {Page ? <Page /> : <ErrorNote error={new ApiError(404, 40404, `No page "${page}" for your role.`)} title="Not found" />}
        </Stack>
      </AppShell.Main>
    </AppShell>
  );
}

export function App() {
  const [me, setMe] = useState<Me>();
  const [apps, setApps] = useState<ConsoleApp[]>([]);
  const [checking, setChecking] = useState(Boolean(getToken()));
  const [error, setError] = useState<ApiError>();

  const signOut = useCallback(() => {
    clearToken();
    setMe(undefined);
    setApps([]);
    navigate(hrefOf('', { app: undefined }));
  }, []);
  useEffect(() => whenSignedOut(() => setMe(undefined)), []);

  const reloadApps = useCallback(async () => {
    const all: ConsoleApp[] = [];
    let cursor: string | null = null;
    do {
      const page: { apps: ConsoleApp[]; nextCursor: string | null } = await get('/apps', { limit: 200, cursor });
      all.push(...page.apps);
      cursor = page.nextCursor;
    } while (cursor && all.length < 1000);
    setApps(all);
  }, []);

  const load = useCallback(async () => {
    try {
      const who = await get<Me>('/me');
      await reloadApps();
      setMe(who);
      setError(undefined);
    } catch (e) {
      clearToken();
      setError(asApiError(e));
    } finally {
      setChecking(false);
    }
  }, [reloadApps]);

  useEffect(() => {
    if (getToken()) void load();
  }, [load]);

  if (checking) return <Loading label="Signing in" />;
  if (!me)
    return (
      <SignIn
        error={error}
        onSignedIn={(token) => {
          setToken(token);
          setChecking(true);
          void load();
        }}
      />
    );
  return (
    <SessionContext.Provider value={{ me, apps, reloadApps, signOut }}>
      <Layout me={me} signOut={signOut} />
    </SessionContext.Provider>
  );
}
