// After-sales records (8.4): refunds by initiation date, the last 7 days unless told otherwise and
// never more than 12 months back; searched by order or refund number; exported.
import { useState, type ReactNode } from 'react';
import { Button, Group, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { get } from '../api';
import { dayEnd, dayInput, dayStart } from '../format';
import { Empty, ErrorNote, Loading, Money, NeedsApp, PageTitle, StatusBadge, Time, useLoad } from '../ui';
import { Pager, useCursorPages, ExportButtons } from '../paging';
import { RecordCard, useNarrow } from '../record-card';

export interface Refund {
  refundId: string;
  outRefundNo: string | null;
  source: string;
  orderId: string;
  outTradeNo: string;
  refundAmount: number;
  currencyType: string;
  reason: string | null;
  status: string;
  failReason: string | null;
  createdAt: string;
  refundedAt: string | null;
}

/** The refunds as cards, for a phone (record-card.tsx says why). */
function RefundCards({ refunds }: { refunds: Refund[] }) {
  return (
    <Stack gap="xs" data-testid="refund-cards">
      {refunds.map((r) => (
        <RecordCard
          key={r.refundId}
          title={<code>{r.refundId}</code>}
          status={r.status}
          fields={[
            ['Initiated', <Time key="c" iso={r.createdAt} />],
            ['Amount', <Money key="a" minor={r.refundAmount} currency={r.currencyType} />],
            ['Order', <code key="o">{r.orderId}</code>],
            ...(r.outRefundNo ? ([['Refund number', <code key="n">{r.outRefundNo}</code>]] as Array<[string, ReactNode]>) : []),
            ['Source', r.source],
            ['Reason', r.reason || '—'],
            ...(r.failReason ? ([['Failed', r.failReason]] as Array<[string, ReactNode]>) : []),
          ]}
        />
      ))}
    </Stack>
  );
}

/** A list of refunds: a table, or cards on a phone. */
export function RefundTable({ refunds }: { refunds: Refund[] }) {
  const narrow = useNarrow();
  if (narrow) return <RefundCards refunds={refunds} />;
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Initiated</Table.Th>
            <Table.Th>Refund ID</Table.Th>
            <Table.Th>Order</Table.Th>
            <Table.Th>Amount</Table.Th>
            <Table.Th>Source</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Reason</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {refunds.map((r) => (
            <Table.Tr key={r.refundId}>
              <Table.Td>
                <Time iso={r.createdAt} />
              </Table.Td>
              <Table.Td>
                <code>{r.refundId}</code>
                {r.outRefundNo && (
                  <Text size="xs" c="dimmed">
                    {r.outRefundNo}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <code>{r.orderId}</code>
              </Table.Td>
              <Table.Td>
                <Money minor={r.refundAmount} currency={r.currencyType} />
              </Table.Td>
              <Table.Td>{r.source}</Table.Td>
              <Table.Td>
                <StatusBadge status={r.status} />
                {r.failReason && <Text size="xs">{r.failReason}</Text>}
              </Table.Td>
              <Table.Td>{r.reason ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

const monthsAgo = (n: number): string => {
  const d = new Date();
  d.setMonth(d.getMonth() - n);
  d.setDate(d.getDate() + 1); // the earliest whole local day inside the 12 months
  return dayInput(d);
};

function RefundList({ appId }: { appId: string }) {
  const today = dayInput(new Date());
  const [form, setForm] = useState({
    from: dayInput(new Date(Date.now() - 7 * 86_400_000)),
    to: today,
    orderId: '',
    outTradeNo: '',
    refundId: '',
  });
  const [query, setQuery] = useState(form);
  const pages = useCursorPages();
  const { cursor } = pages;
  const params = {
    from: query.from ? dayStart(query.from) : undefined,
    to: query.to ? dayEnd(query.to) : undefined,
    orderId: query.orderId.trim(),
    outTradeNo: query.outTradeNo.trim(),
    refundId: query.refundId.trim(),
  };
  const list = useLoad(
    () => get<{ refunds: Refund[]; nextCursor: string | null }>(`/apps/${appId}/refunds`, { ...params, limit: 50, cursor }),
    [appId, JSON.stringify(query), cursor],
  );
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) => {
    // Read now: React clears the event's currentTarget before a state updater runs.
    const value = e.currentTarget.value;
    setForm((f) => ({ ...f, [k]: value }));
  };
  return (
    <Stack>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(form);
          pages.reset();
        }}
      >
        <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} spacing="sm">
          <TextInput
            type="date"
            label="Initiated from"
            description="At most 12 months back"
            min={monthsAgo(12)}
            max={today}
            value={form.from}
            onChange={set('from')}
          />
          <TextInput type="date" label="To (inclusive)" value={form.to} min={monthsAgo(12)} onChange={set('to')} />
          <TextInput label="Order ID" value={form.orderId} onChange={set('orderId')} />
          <TextInput label="Out trade no" value={form.outTradeNo} onChange={set('outTradeNo')} />
          <TextInput label="Refund number" description="vpay's or yours" value={form.refundId} onChange={set('refundId')} />
        </SimpleGrid>
        <Group mt="sm" wrap="wrap" align="flex-start">
          <Button type="submit">Search</Button>
          <ExportButtons path={`/apps/${appId}/refunds/export`} params={params} />
        </Group>
      </form>
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data?.refunds.length === 0 ? (
        <Empty>No refund initiated in this range.</Empty>
      ) : (
        list.data && <RefundTable refunds={list.data.refunds} />
      )}
      <Pager pages={pages} nextCursor={list.data?.nextCursor} />
    </Stack>
  );
}

export function RefundsPage() {
  return (
    <Stack>
      <PageTitle>After-sales records</PageTitle>
      <NeedsApp>{(appId) => <RefundList key={appId} appId={appId} />}</NeedsApp>
    </Stack>
  );
}
