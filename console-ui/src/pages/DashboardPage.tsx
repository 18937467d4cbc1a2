// The selected game at a glance (issue 11): what waits right now (deliveries, the stuck ones
// highlighted, refunds under way), then the last 7, 30 or 90 days of the viewer's calendar in
// their own time zone: totals and a chart per question. The numbers come from the console API's
// aggregates (GET .../dashboard/now and .../dashboard/days; docs/CONSOLE.md, *Dashboard*). Should
// the server refuse the browser's zone (one its PostgreSQL does not know, or reads as an
// abbreviation), the days are shown in UTC, and the page says so.
import { useState } from 'react';
import { Button, Group, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { ApiError, get } from '../api';
import { viewerZone } from '../format';
import { Empty, ErrorNote, Loading, NeedsApp, PageTitle, useLoad } from '../ui';
import { DayCharts } from './dashboard/DayCharts';
import { lastDays } from './dashboard/numbers';
import { NowCards, RangeCards } from './dashboard/StatCards';
import type { DashboardDays, DashboardNow } from './dashboard/types';

const RANGES = ['7', '30', '90'];

/** The days route's refusal of its `tz` (400/40001, its errMsg starting "tz:"). */
const zoneRefused = (err: unknown): boolean => err instanceof ApiError && err.errCode === 40001 && err.errMsg.startsWith('tz:');

/** The zones the server refused, in this tab: not asked again (other ranges, env, games go straight to UTC). */
const refusedZones = new Set<string>();

function Dashboard({ appId }: { appId: string }) {
  const [range, setRange] = useState('7');
  const [env, setEnv] = useState<string | null>(null);
  const tz = viewerZone();
  const days = useLoad(async () => {
    const path = `/apps/${appId}/dashboard/days`;
    if (!refusedZones.has(tz)) {
      try {
        return await get<DashboardDays>(path, { ...lastDays(Number(range)), tz, env });
      } catch (err) {
        if (tz === 'UTC' || !zoneRefused(err)) throw err;
        refusedZones.add(tz);
      }
    }
    return get<DashboardDays>(path, { ...lastDays(Number(range), { utc: true }), tz: 'UTC', env });
  }, [appId, range, env, tz]);
  const fellBack = days.data !== undefined && days.data.tz !== tz;
  const now = useLoad(() => get<DashboardNow>(`/apps/${appId}/dashboard/now`, { env }), [appId, env]);
  const total = days.data?.total;
  const nothing = total && total.orders.created === 0 && total.refunds.initiated === 0;
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <Group align="flex-end" wrap="wrap" gap="sm">
          <Stack gap={4}>
            <Text size="sm" fw={500} id="dashboard-range">
              Days
            </Text>
            <SegmentedControl
              aria-labelledby="dashboard-range"
              data={RANGES.map((n) => ({ value: n, label: `${n} days` }))}
              value={range}
              onChange={setRange}
            />
          </Stack>
          <Select
            label="Env"
            placeholder="Both"
            data={[
              { value: '0', label: 'live (0)' },
              { value: '1', label: 'sandbox (1)' },
            ]}
            value={env}
            onChange={setEnv}
            clearable
            w={160}
          />
        </Group>
        <Button
          variant="default"
          onClick={() => {
            days.reload();
            now.reload();
          }}
        >
          Refresh
        </Button>
      </Group>

      <Stack gap="xs" component="section" aria-labelledby="dashboard-now">
        <Title order={2} size="h3" id="dashboard-now">
          Now
        </Title>
        <ErrorNote error={now.error} title="Could not read what waits now" />
        {now.loading && !now.data ? <Loading /> : now.data && <NowCards now={now.data} />}
      </Stack>

      <Stack gap="xs" component="section" aria-labelledby="dashboard-days">
        <Title order={2} size="h3" id="dashboard-days">
          {days.data ? `${days.data.from} to ${days.data.to}` : `The last ${range} days`}
        </Title>
        {fellBack ? (
          <Text size="sm" data-testid="days-zone">
            <Text span fw={700} size="sm">
              Days in UTC: your zone {tz} is not known to the server.
            </Text>{' '}
            Each order counts on the day it was created, each refund on the day it was initiated.
          </Text>
        ) : (
          <Text size="sm" c="dimmed" data-testid="days-zone">
            Days in your time zone, {tz}. Each order counts on the day it was created, each refund on the day it was initiated.
          </Text>
        )}
        <ErrorNote error={days.error} title="Could not read these days" />
        {days.loading && <Loading label={days.data ? 'Loading the new range' : 'Loading'} />}
        {total && <RangeCards total={total} />}
        {nothing && <Empty>No order and no refund in these days.</Empty>}
        {days.data && !nothing && <DayCharts data={days.data} />}
      </Stack>
    </Stack>
  );
}

export function DashboardPage() {
  return (
    <Stack>
      <PageTitle>Dashboard</PageTitle>
      <NeedsApp>{(appId) => <Dashboard key={appId} appId={appId} />}</NeedsApp>
    </Stack>
  );
}
