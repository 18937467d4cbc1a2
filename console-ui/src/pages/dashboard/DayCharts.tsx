// The dashboard's charts, one per question: orders per day, revenue per day (one currency at a
// time: amounts of two currencies never share an axis), delivery latency per day (median and 95th
// percentile), refunds per day. Each is a figure whose picture is described in words (its
// summary, the picture's accessible name; the same words shown under it are hidden from screen
// readers, so they are read once) and whose numbers a button shows as a table (the button named
// after its chart, controlling that table), so nothing is only in the picture, for a screen
// reader or a keyboard. Without any revenue, the revenue figure says so rather than draw $0.00.
import { useId, useState, type ReactNode } from 'react';
import { BarChart, LineChart } from '@mantine/charts';
import { Button, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { money } from '../../format';
import { duration, shortDay } from './numbers';
import type { DashboardDays } from './types';

type Row = Record<string, string | number | null>;

interface FigureProps {
  title: string;
  summary: string;
  /** The table's columns: the day, then one per series (label and how to show a value). */
  columns: Array<{ key: string; label: string; show?: (v: number | null) => string }>;
  rows: Row[];
  /** Above the chart (the revenue's currency). */
  controls?: ReactNode;
  children: ReactNode;
}

/** The figure's frame: its title (which names it) and what is under it. */
function Frame({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="figure" m={0} aria-labelledby={`${id}-title`}>
      <Stack gap="xs">
        <Title order={3} size="h4" id={`${id}-title`}>
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

function ChartFigure({ title, summary, columns, rows, controls, children }: FigureProps) {
  const [table, setTable] = useState(false);
  const id = useId();
  const action = table ? 'Hide the numbers' : 'Show the numbers';
  return (
    <Frame id={id} title={title}>
      {controls}
      {/* The picture is named by its summary; the recharts keyboard layer is off (the table below carries the numbers). */}
      <div role="img" aria-labelledby={`${id}-summary`}>
        {children}
      </div>
      {/* Shown for the eye; a screen reader has these words as the picture's name already. */}
      <Text size="sm" c="dimmed" id={`${id}-summary`} aria-hidden>
        {summary}
      </Text>
      {/* Named with its chart (four of these on the page), the visible words first. */}
      <Button
        variant="subtle"
        size="compact-sm"
        onClick={() => setTable((t) => !t)}
        aria-expanded={table}
        aria-controls={`${id}-numbers`}
        aria-label={`${action} of ${title.toLowerCase()}`}
        w="fit-content"
      >
        {action}
      </Button>
      {/* Always there (hidden until shown), so aria-controls always points at something. */}
      <div id={`${id}-numbers`} hidden={!table}>
        {table && (
          <Table.ScrollContainer minWidth={360}>
            <Table striped aria-label={`${title}, per day`}>
              <Table.Thead>
                <Table.Tr>
                  {columns.map((c) => (
                    <Table.Th key={c.key}>{c.label}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => (
                  <Table.Tr key={String(r.day)}>
                    {columns.map((c) => (
                      <Table.Td key={c.key}>{c.show ? c.show(r[c.key] as number | null) : String(r[c.key] ?? '—')}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </div>
    </Frame>
  );
}

const CHART = { h: 240, accessibilityLayer: false, dataKey: 'label', withLegend: true, tickLine: 'y' as const };

/** The day with the most of `value`, as "30 Nov (5)"; undefined when every day has none. */
function peak(days: DashboardDays['days'], value: (d: DashboardDays['days'][number]) => number | null, show: (v: number) => string) {
  let best: { day: string; v: number } | undefined;
  for (const d of days) {
    const v = value(d);
    if (v !== null && v > 0 && (!best || v > best.v)) best = { day: d.day, v };
  }
  return best && `${shortDay(best.day)} (${show(best.v)})`;
}

function OrdersChart({ data }: { data: DashboardDays }) {
  const rows = data.days.map((d) => ({
    day: d.day,
    label: shortDay(d.day),
    created: d.orders.created,
    paid: d.orders.paid,
    delivered: d.orders.delivered,
  }));
  const t = data.total.orders;
  const busiest = peak(data.days, (d) => d.orders.created, String);
  return (
    <ChartFigure
      title="Orders per day"
      summary={`${t.created} orders created, ${t.paid} paid, ${t.delivered} delivered${busiest ? `; the most on ${busiest}` : ''}.`}
      columns={[
        { key: 'day', label: 'Day' },
        { key: 'created', label: 'Created' },
        { key: 'paid', label: 'Paid' },
        { key: 'delivered', label: 'Delivered' },
      ]}
      rows={rows}
    >
      <BarChart
        {...CHART}
        data={rows}
        series={[
          { name: 'created', label: 'Created', color: 'indigo.4' },
          { name: 'paid', label: 'Paid', color: 'indigo.7' },
          { name: 'delivered', label: 'Delivered', color: 'teal.8' },
        ]}
        yAxisProps={{ allowDecimals: false }}
      />
    </ChartFigure>
  );
}

function RevenueChart({ data }: { data: DashboardDays }) {
  // The currency that took the most first; the others one click away.
  const currencies = [...data.total.revenue].sort((a, b) => b.paid - a.paid).map((r) => r.currencyType);
  const [chosen, setChosen] = useState<string>();
  const id = useId();
  // No money paid or refunded in any currency: nothing to draw, and no currency to draw it in.
  if (currencies.length === 0) {
    return (
      <Frame id={id} title="Revenue per day">
        <Text size="sm" data-testid="no-revenue">
          No revenue yet: no order of these days was paid, and no refund succeeded.
        </Text>
      </Frame>
    );
  }
  const currency = chosen && currencies.includes(chosen) ? chosen : currencies[0]!;
  const lineOf = (d: DashboardDays['days'][number]) => d.revenue.find((r) => r.currencyType === currency);
  const rows = data.days.map((d) => ({
    day: d.day,
    label: shortDay(d.day),
    paid: lineOf(d)?.paid ?? 0,
    refunded: lineOf(d)?.refunded ?? 0,
  }));
  const total = data.total.revenue.find((r) => r.currencyType === currency);
  const show = (v: number | null) => money(v ?? 0, currency);
  const best = peak(
    data.days,
    (d) => lineOf(d)?.paid ?? 0,
    (v) => money(v, currency),
  );
  return (
    <ChartFigure
      title="Revenue per day"
      summary={`In ${currency}: ${money(total?.paid ?? 0, currency)} paid, ${money(total?.refunded ?? 0, currency)} refunded${best ? `; the most on ${best}` : ''}.`}
      columns={[
        { key: 'day', label: 'Day' },
        { key: 'paid', label: `Paid (${currency})`, show },
        { key: 'refunded', label: `Refunded (${currency})`, show },
      ]}
      rows={rows}
      controls={
        currencies.length > 1 && (
          <SegmentedControl aria-label="Currency" size="xs" data={currencies} value={currency} onChange={setChosen} w="fit-content" />
        )
      }
    >
      <BarChart
        {...CHART}
        data={rows}
        series={[
          { name: 'paid', label: 'Paid', color: 'teal.8' },
          { name: 'refunded', label: 'Refunded', color: 'red.8' },
        ]}
        valueFormatter={(v) => money(v, currency)}
        yAxisProps={{ width: 80 }}
      />
    </ChartFigure>
  );
}

function LatencyChart({ data }: { data: DashboardDays }) {
  const rows = data.days.map((d) => ({ day: d.day, label: shortDay(d.day), p50: d.delivery.latencyP50Ms, p95: d.delivery.latencyP95Ms }));
  const { latencyP50Ms, latencyP95Ms } = data.total.delivery;
  const slowest = peak(data.days, (d) => d.delivery.latencyP95Ms, duration);
  return (
    <ChartFigure
      title="Delivery latency per day"
      summary={
        latencyP50Ms === null
          ? 'No order was delivered in these days.'
          : `From payment to acknowledged delivery: median ${duration(latencyP50Ms)}, 95th percentile ${duration(latencyP95Ms)}${slowest ? `; the slowest day ${slowest} at the 95th percentile` : ''}.`
      }
      columns={[
        { key: 'day', label: 'Day' },
        { key: 'p50', label: 'Median', show: duration },
        { key: 'p95', label: '95th percentile', show: duration },
      ]}
      rows={rows}
    >
      <LineChart
        {...CHART}
        data={rows}
        series={[
          { name: 'p50', label: 'Median', color: 'indigo.7' },
          { name: 'p95', label: '95th percentile', color: 'orange.8' },
        ]}
        connectNulls={false}
        valueFormatter={(v) => duration(v)}
        yAxisProps={{ width: 70 }}
      />
    </ChartFigure>
  );
}

function RefundsChart({ data }: { data: DashboardDays }) {
  const rows = data.days.map((d) => ({ day: d.day, label: shortDay(d.day), ...d.refunds }));
  const t = data.total.refunds;
  return (
    <ChartFigure
      title="Refunds per day"
      summary={`${t.initiated} refunds initiated: ${t.succeeded} succeeded, ${t.pending} pending, ${t.failed} failed.`}
      columns={[
        { key: 'day', label: 'Day' },
        { key: 'initiated', label: 'Initiated' },
        { key: 'succeeded', label: 'Succeeded' },
        { key: 'pending', label: 'Pending' },
        { key: 'failed', label: 'Failed' },
      ]}
      rows={rows}
    >
      <BarChart
        {...CHART}
        type="stacked"
        data={rows}
        series={[
          { name: 'succeeded', label: 'Succeeded', color: 'teal.8' },
          { name: 'pending', label: 'Pending', color: 'yellow.6' },
          { name: 'failed', label: 'Failed', color: 'red.8' },
        ]}
        yAxisProps={{ allowDecimals: false }}
      />
    </ChartFigure>
  );
}

export function DayCharts({ data }: { data: DashboardDays }) {
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
      <OrdersChart data={data} />
      <RevenueChart data={data} />
      <LatencyChart data={data} />
      <RefundsChart data={data} />
    </SimpleGrid>
  );
}
