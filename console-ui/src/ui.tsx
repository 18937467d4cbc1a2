// Small pieces every page uses: loading data, showing an API error next to what caused it,
// money and times, an action button that reports its own outcome.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Alert, Badge, Button, Center, Group, List, Loader, Select, Stack, Text, Title, type ButtonProps } from '@mantine/core';
import { ApiError } from './api';
import { money, time, viewerZone } from './format';
import { hrefOf, navigate, useLocation } from './router';
import { useSession } from './session-context';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

/** Loads with `f` whenever `deps` change; stale answers are dropped. */
export function useLoad<T>(f: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    f().then(
      (data) => mine === seq.current && setState({ data, loading: false }),
      (error: unknown) => mine === seq.current && setState({ error: asApiError(error), loading: false }),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export const asApiError = (e: unknown): ApiError =>
  e instanceof ApiError ? e : new ApiError(0, 0, e instanceof Error ? e.message : String(e));

/** Why a call was refused, in the words of the API, with its code; import cells listed. */
export function ErrorNote({ error, title }: { error: ApiError | undefined | null; title?: string }) {
  if (!error) return null;
  const why =
    error.errCode === 40302
      ? 'Your role may not do this (CONTRACT.md 7.2).'
      : error.errCode === 40100
        ? 'The token is not valid any more: sign in again.'
        : undefined;
  return (
    <Alert color="red" title={title ?? 'Refused'} role="alert" variant="light">
      <Text size="sm">
        {error.errMsg} <Text span c="dimmed" size="xs">{`(HTTP ${error.status}, errCode ${error.errCode})`}</Text>
      </Text>
      {why && <Text size="sm">{why}</Text>}
      {error.cells.length > 0 && (
        <List size="sm" mt="xs" data-testid="cell-errors">
          {error.cells.map((c, i) => (
            <List.Item key={i}>
              {c.row === null ? 'File' : `Row ${c.row}`}
              {c.column ? `, column ${c.column}` : ''}: {c.message}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}

/** A button that runs `run`, shows its own spinner, and its error right under it. */
export function ActionButton({
  run,
  children,
  onDone,
  ...props
}: { run: () => Promise<unknown>; children: ReactNode; onDone?: () => void } & ButtonProps & { 'aria-label'?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  return (
    <Stack gap={4} style={{ display: 'inline-flex' }}>
      <Button
        loading={busy}
        {...props}
        onClick={() => {
          setBusy(true);
          setError(undefined);
          run().then(
            () => {
              setBusy(false);
              onDone?.();
            },
            (e: unknown) => {
              setBusy(false);
              setError(asApiError(e));
            },
          );
        }}
      >
        {children}
      </Button>
      <ErrorNote error={error} />
    </Stack>
  );
}

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <Center p="lg" role="status" aria-live="polite">
      <Group gap="xs">
        <Loader size="sm" />
        <Text size="sm">{label}…</Text>
      </Group>
    </Center>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Text c="dimmed" size="sm" p="md" ta="center">
      {children}
    </Text>
  );
}

export const Money = ({ minor, currency }: { minor: number | null | undefined; currency: string | null | undefined }) => (
  <span title={minor === null || minor === undefined ? undefined : `${minor} minor units`}>{money(minor, currency)}</span>
);

export const Time = ({ iso }: { iso: string | null | undefined }) =>
  iso ? (
    <time dateTime={iso} title={`${iso} (UTC); shown in ${viewerZone()}`}>
      {time(iso)}
    </time>
  ) : (
    <>—</>
  );

const STATUS_COLORS: Record<string, string> = {
  PENDING: 'yellow',
  PENDING_REVIEW: 'yellow',
  APPROVED: 'green',
  ACTIVE: 'green',
  RELEASED: 'green',
  DELIVERED: 'green',
  SUCCEEDED: 'green',
  PAID: 'blue',
  PREPAID: 'cyan',
  CREATED: 'gray',
  DRAFT: 'gray',
  NONE: 'gray',
  REJECTED: 'red',
  FAILED: 'red',
  REMOVED: 'dark',
  REVOKED: 'dark',
  CLOSED: 'dark',
  REFUNDED: 'grape',
};

export const StatusBadge = ({ status }: { status: string }) => (
  <Badge color={STATUS_COLORS[status] ?? 'gray'} variant="light">
    {status}
  </Badge>
);

export function PageTitle({ children, right }: { children: ReactNode; right?: ReactNode }) {
  return (
    <Group justify="space-between" mb="md" wrap="wrap">
      <Title order={1} size="h2">
        {children}
      </Title>
      {right}
    </Group>
  );
}

/** The app a page works on: ?app=, else the first the signed-in user sees. */
export function useSelectedApp(): string | undefined {
  const { apps } = useSession();
  const { query } = useLocation();
  const chosen = query.get('app');
  return apps.some((a) => a.appId === chosen) ? (chosen ?? undefined) : apps[0]?.appId;
}

export function AppPicker() {
  const { apps } = useSession();
  const { page } = useLocation();
  const appId = useSelectedApp();
  if (apps.length === 0) return null;
  return (
    <Select
      aria-label="Mini game"
      data={apps.map((a) => ({ value: a.appId, label: `${a.name} (${a.appId})` }))}
      value={appId ?? null}
      allowDeselect={false}
      onChange={(v) => v && navigate(hrefOf(page, { app: v }))}
      w={{ base: '100%', sm: 320 }}
    />
  );
}

/** Pages about one app say so when there is none yet. */
export function NeedsApp({ children }: { children: (appId: string) => ReactNode }) {
  const appId = useSelectedApp();
  if (!appId) return <Empty>No mini game yet. Create one on the Mini games page.</Empty>;
  return <>{children(appId)}</>;
}
