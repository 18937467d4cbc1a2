// The selected game at a glance, from the order records of the last 7 days (first 200 orders).
// The charts of issue 11 (per day, delivery latency, stuck orders, refunds) need aggregate
// endpoints that do not exist yet.
import { Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { get } from '../api';
import { money } from '../format';
import { ErrorNote, Loading, NeedsApp, PageTitle, useLoad } from '../ui';
import type { Order } from './OrdersPage';

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <Paper withBorder p="md">
      <Text size="xs" c="dimmed" tt="uppercase">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
    </Paper>
  );
}

function Summary({ appId }: { appId: string }) {
  const data = useLoad(() => get<{ orders: Order[] }>(`/apps/${appId}/orders`, { limit: 200 }), [appId]);
  if (data.loading && !data.data) return <Loading />;
  if (!data.data) return <ErrorNote error={data.error} />;
  const orders = data.data.orders;
  const paid = orders.filter((o) => o.paidAt);
  const revenue = new Map<string, number>();
  for (const o of paid) revenue.set(o.currencyType, (revenue.get(o.currencyType) ?? 0) + o.totalAmount - o.refundedAmount);
  return (
    <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
      <Stat label="Orders, last 7 days" value={orders.length === 200 ? '200+' : orders.length} />
      <Stat label="Delivered" value={orders.filter((o) => o.status === 'DELIVERED').length} />
      <Stat label="Waiting for delivery" value={orders.filter((o) => o.status === 'PAID').length} />
      <Stat label="Revenue (net of refunds)" value={[...revenue].map(([c, v]) => money(v, c)).join(' + ') || money(0, 'USD')} />
    </SimpleGrid>
  );
}

export function DashboardPage() {
  return (
    <Stack>
      <PageTitle>Dashboard</PageTitle>
      <NeedsApp>{(appId) => <Summary key={appId} appId={appId} />}</NeedsApp>
    </Stack>
  );
}
