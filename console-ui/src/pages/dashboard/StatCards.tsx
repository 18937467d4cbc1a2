// The dashboard's cards: what waits now (deliveries, the stuck ones highlighted, refunds under
// way) and the range at a glance (orders, revenue, delivery success and latency, refunds).
import type { ReactNode } from 'react';
import { Badge, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { money } from '../../format';
import { duration, percent } from './numbers';
import type { DashboardNumbers, DashboardNow } from './types';

function Stat({ id, label, value, hint, alert }: { id: string; label: string; value: ReactNode; hint?: ReactNode; alert?: boolean }) {
  return (
    <Paper
      withBorder
      p="md"
      data-testid={`stat-${id}`}
      style={alert ? { borderColor: 'var(--mantine-color-red-9)', borderWidth: 2 } : undefined}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="xs" c={alert ? 'red.9' : 'dimmed'} tt="uppercase" fw={alert ? 700 : undefined}>
          {label}
        </Text>
        {alert && (
          <Badge color="red" variant="light" size="sm">
            Needs attention
          </Badge>
        )}
      </Group>
      <Text size="xl" fw={700} c={alert ? 'red.9' : undefined} data-testid={`stat-${id}-value`} component="div">
        {value}
      </Text>
      {hint && (
        <Text size="sm" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}

/** Deliveries and refunds still waiting, read now. */
export function NowCards({ now }: { now: DashboardNow }) {
  return (
    <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
      <Stat
        id="waiting"
        label="Waiting for delivery"
        value={now.waitingDelivery}
        hint={now.oldestWaitingMs === null ? 'Nothing waits' : `The oldest for ${duration(now.oldestWaitingMs)}`}
      />
      <Stat
        id="stuck"
        label="Stuck deliveries"
        value={now.stuck}
        alert={now.stuck > 0}
        hint={`Alerted, or waiting over ${duration(now.stuckAfterMs)} since the payment`}
      />
      {/* A refund is under way until the superapp answered and the game backend acknowledged its notice. */}
      <Stat
        id="refunds-under-way"
        label="Refunds under way"
        value={now.refundsPending + now.refundNoticesWaiting}
        alert={now.refundNoticesStuck > 0}
        hint={`${now.refundsPending} waiting for the superapp, ${now.refundNoticesWaiting} for the game to acknowledge${now.refundNoticesStuck ? ` (${now.refundNoticesStuck} alerted)` : ''}`}
      />
    </SimpleGrid>
  );
}

/** Revenue in each currency, one line each (never added across currencies); none, no currency to show it in. */
function Revenue({ total }: { total: DashboardNumbers }) {
  if (total.revenue.length === 0) return <>No revenue yet</>;
  return (
    <Stack gap={0}>
      {total.revenue.map((r) => (
        <span key={r.currencyType}>{money(r.paid, r.currencyType)}</span>
      ))}
    </Stack>
  );
}

/** The range's totals. */
export function RangeCards({ total }: { total: DashboardNumbers }) {
  const refunded = total.revenue.filter((r) => r.refunded > 0).map((r) => money(r.refunded, r.currencyType));
  return (
    <SimpleGrid cols={{ base: 2, md: 5 }} spacing="sm">
      <Stat
        id="orders"
        label="Orders"
        value={total.orders.created}
        hint={`${total.orders.paid} paid, ${total.orders.delivered} delivered`}
      />
      <Stat
        id="revenue"
        label="Revenue"
        value={<Revenue total={total} />}
        hint={refunded.length ? `${refunded.join(' + ')} refunded` : 'Nothing refunded'}
      />
      <Stat
        id="success"
        label="Delivery success"
        value={percent(total.delivery.successRate)}
        hint={`First attempt ${percent(total.delivery.firstAttemptRate)}`}
      />
      <Stat
        id="latency"
        label="Delivery latency (median)"
        value={duration(total.delivery.latencyP50Ms)}
        hint={`95th percentile ${duration(total.delivery.latencyP95Ms)}`}
      />
      <Stat
        id="refunds"
        label="Refunds"
        value={total.refunds.initiated}
        hint={`${total.refunds.succeeded} succeeded, ${total.refunds.pending} pending, ${total.refunds.failed} failed`}
      />
    </SimpleGrid>
  );
}
