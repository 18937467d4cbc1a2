// Order records (7.7): filters and paging over a date range, export, and one order's detail with
// its delivery attempts as a timeline, its refunds, the purchase in the Temporal Web UI,
// redelivery and (for the roles that may) a refund.
import { useEffect, useState } from 'react';
import {
  Anchor,
  Button,
  Group,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Timeline,
  Title,
} from '@mantine/core';
import { get, post } from '../api';
import { dayEnd, dayInput, dayStart } from '../format';
import { hrefOf, navigate, useLocation } from '../router';
import { useCan } from '../session-context';
import { ActionButton, Empty, ErrorNote, Loading, Money, NeedsApp, PageTitle, StatusBadge, Time, useLoad } from '../ui';
import { Pager, useCursorPages, ExportButtons } from '../paging';
import { RecordCard, useNarrow } from '../record-card';
import { RefundTable, type Refund } from './RefundsPage';

export interface Order {
  orderId: string;
  appId: string;
  openId: string;
  outTradeNo: string;
  productId: string;
  buyQuantity: number;
  goodsPrice: number;
  totalAmount: number;
  refundedAmount: number;
  currencyType: string;
  env: number;
  status: string;
  closeReason: string | null;
  transactionId: string | null;
  createdAt: string;
  paidAt: string | null;
  deliveredAt: string | null;
  closedAt: string | null;
  deliveryAttempts: number;
}
interface Attempt {
  attempt: number;
  at: string;
  url: string;
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number | null;
}
interface OrderDetail {
  order: Order;
  deliveryAttempts: Attempt[];
  refunds: Refund[];
  workflowUrl: string | null;
}

const STATUSES = ['CREATED', 'PREPAID', 'PAID', 'DELIVERED', 'CLOSED', 'REFUNDED'];
const FILTERS = ['orderId', 'outTradeNo', 'openId', 'productId'] as const;
const LABELS: Record<(typeof FILTERS)[number], string> = {
  orderId: 'Order ID',
  outTradeNo: 'Out trade no',
  openId: 'Player (openId)',
  productId: 'Item ID',
};

export const daysAgo = (n: number): string => dayInput(new Date(Date.now() - n * 86_400_000));

function OrderDetailView({ appId, orderId }: { appId: string; orderId: string }) {
  const can = useCan();
  const detail = useLoad(() => get<OrderDetail>(`/apps/${appId}/orders/${encodeURIComponent(orderId)}`), [appId, orderId]);
  const [amount, setAmount] = useState<string | number>('');
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<string>();
  // After a redelivery request (202: Temporal has it), the detail is read again every second until
  // the new attempt is recorded, so it shows up in the timeline without a manual reload.
  const [awaiting, setAwaiting] = useState<{ after: number; tries: number }>();
  const attempts = detail.data?.order.deliveryAttempts;
  useEffect(() => {
    if (!awaiting || attempts === undefined) return;
    if (attempts > awaiting.after) {
      setAwaiting(undefined);
      setNotice(`Redelivered: attempt ${attempts} is in the timeline below.`);
      return;
    }
    if (awaiting.tries >= 30) {
      setAwaiting(undefined);
      setNotice('No new attempt after 30 s: reload the page to see it once made.');
      return;
    }
    const timer = setTimeout(() => {
      setAwaiting((a) => a && { ...a, tries: a.tries + 1 });
      detail.reload();
    }, 1000);
    return () => clearTimeout(timer);
  }, [awaiting, attempts, detail.reload]);
  const back = (
    <Button variant="subtle" onClick={() => navigate(hrefOf('orders'))}>
      ← Order records
    </Button>
  );
  if (detail.loading && !detail.data) return <Loading />;
  if (!detail.data)
    return (
      <Stack>
        {back}
        <ErrorNote error={detail.error} />
      </Stack>
    );
  const { order, deliveryAttempts, refunds, workflowUrl } = detail.data;
  const refundable = order.totalAmount - order.refundedAmount;
  return (
    <Stack>
      {back}
      <Group justify="space-between" wrap="wrap">
        <Title order={2} size="h3">
          Order <code>{order.orderId}</code>
        </Title>
        <StatusBadge status={order.status} />
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="xs">
        {(
          [
            ['Out trade no', <code key="o">{order.outTradeNo}</code>],
            ['Item', <code key="p">{`${order.productId} × ${order.buyQuantity}`}</code>],
            ['Total', <Money key="t" minor={order.totalAmount} currency={order.currencyType} />],
            ['Refunded', <Money key="r" minor={order.refundedAmount} currency={order.currencyType} />],
            ['Player', <code key="u">{order.openId}</code>],
            ['Env', order.env === 0 ? 'live (0)' : 'sandbox (1)'],
            ['Created', <Time key="c" iso={order.createdAt} />],
            ['Paid', <Time key="pa" iso={order.paidAt} />],
            ['Delivered', <Time key="d" iso={order.deliveredAt} />],
            ['Transaction', order.transactionId ?? '—'],
            ['Closed', order.closedAt ? `${order.closeReason ?? ''}` : '—'],
          ] as const
        ).map(([k, v]) => (
          <Text size="sm" key={k}>
            <Text span c="dimmed">
              {k}:{' '}
            </Text>
            {v}
          </Text>
        ))}
      </SimpleGrid>
      <Group wrap="wrap" align="flex-start">
        {workflowUrl && (
          <Button component="a" href={workflowUrl} target="_blank" rel="noreferrer" variant="default">
            Open in Temporal Web UI
          </Button>
        )}
        {can('orders.redeliver') && (order.status === 'PAID' || order.status === 'DELIVERED') && (
          <ActionButton
            variant="light"
            run={() => post(`/apps/${appId}/orders/${encodeURIComponent(order.orderId)}/redeliver`)}
            onDone={() => {
              setNotice('Redelivery requested: the attempt appears below once made.');
              setAwaiting({ after: order.deliveryAttempts, tries: 0 });
            }}
          >
            Redeliver
          </ActionButton>
        )}
      </Group>
      {notice && (
        <Text size="sm" role="status">
          {notice}
        </Text>
      )}
      <Paper withBorder p="md">
        <Title order={3} size="h4" mb="sm">
          Delivery attempts ({order.deliveryAttempts})
        </Title>
        {deliveryAttempts.length === 0 ? (
          <Empty>No delivery attempt yet.</Empty>
        ) : (
          <Timeline active={deliveryAttempts.length - 1} bulletSize={18} lineWidth={2} color="teal">
            {deliveryAttempts.map((a) => (
              <Timeline.Item
                key={a.attempt}
                title={`Attempt ${a.attempt}: ${a.ok ? 'acknowledged' : 'failed'}`}
                color={a.ok ? 'teal' : 'red'}
              >
                <Text size="sm" c="dimmed">
                  <Time iso={a.at} /> · HTTP {a.httpStatus ?? 'no answer'}
                  {a.durationMs !== null ? ` · ${a.durationMs} ms` : ''}
                </Text>
                <Text size="xs" style={{ wordBreak: 'break-all' }}>
                  {a.url}
                </Text>
                {a.error && (
                  <Text size="xs" c="red.8">
                    {a.error}
                  </Text>
                )}
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </Paper>
      <Paper withBorder p="md">
        <Title order={3} size="h4" mb="sm">
          Refunds
        </Title>
        {refunds.length === 0 ? <Empty>No refund.</Empty> : <RefundTable refunds={refunds} />}
        {can('refunds.create') && (order.status === 'PAID' || order.status === 'DELIVERED') && refundable > 0 && (
          <Group align="flex-end" mt="md" wrap="wrap">
            <NumberInput
              label={`Refund amount (minor units, up to ${refundable})`}
              value={amount}
              onChange={setAmount}
              min={1}
              max={refundable}
              allowDecimal={false}
              w={260}
            />
            <TextInput label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={200} />
            <ActionButton
              color="grape"
              disabled={!Number(amount) || !reason.trim()}
              run={() =>
                post(`/apps/${appId}/orders/${encodeURIComponent(order.orderId)}/refunds`, {
                  refundAmount: Number(amount),
                  reason: reason.trim(),
                })
              }
              onDone={() => {
                setAmount('');
                setReason('');
                detail.reload();
              }}
            >
              Refund
            </ActionButton>
          </Group>
        )}
      </Paper>
    </Stack>
  );
}

/** An order's link to its detail. */
function OrderLink({ orderId }: { orderId: string }) {
  return (
    <Anchor
      href={hrefOf('orders', { order: orderId })}
      onClick={(e) => {
        e.preventDefault();
        navigate(hrefOf('orders', { order: orderId }));
      }}
    >
      <code>{orderId}</code>
    </Anchor>
  );
}

/** The orders as cards, for a phone (record-card.tsx says why). */
function OrderCards({ orders }: { orders: Order[] }) {
  return (
    <Stack gap="xs" data-testid="order-cards">
      {orders.map((o) => (
        <RecordCard
          key={o.orderId}
          title={<OrderLink orderId={o.orderId} />}
          status={o.status}
          fields={[
            ['Created', <Time key="c" iso={o.createdAt} />],
            ['Item', `${o.productId} × ${o.buyQuantity}`],
            ['Total', <Money key="t" minor={o.totalAmount} currency={o.currencyType} />],
            ['Out trade no', <code key="o">{o.outTradeNo}</code>],
            ['Env', String(o.env)],
          ]}
        />
      ))}
    </Stack>
  );
}

function OrderList({ appId }: { appId: string }) {
  const [form, setForm] = useState<Record<string, string>>({ from: daysAgo(7), to: daysAgo(0), status: '', env: '' });
  const [query, setQuery] = useState(form);
  const pages = useCursorPages();
  const { cursor } = pages;
  const params = {
    ...Object.fromEntries(FILTERS.map((f) => [f, query[f]?.trim()])),
    status: query.status,
    env: query.env,
    from: query.from ? dayStart(query.from) : undefined,
    to: query.to ? dayEnd(query.to) : undefined,
  };
  const list = useLoad(
    () =>
      get<{ orders: Order[]; nextCursor: string | null; from: string; to: string }>(`/apps/${appId}/orders`, {
        ...params,
        limit: 50,
        cursor,
      }),
    [appId, JSON.stringify(query), cursor],
  );
  const set = (k: string) => (v: string | null) => setForm((f) => ({ ...f, [k]: v ?? '' }));
  const narrow = useNarrow();
  return (
    <Stack>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(form);
          pages.reset();
        }}
      >
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
          <TextInput type="date" label="From (your time zone)" value={form.from} onChange={(e) => set('from')(e.currentTarget.value)} />
          <TextInput type="date" label="To (inclusive)" value={form.to} onChange={(e) => set('to')(e.currentTarget.value)} />
          <Select label="Status" placeholder="Any" data={STATUSES} value={form.status || null} onChange={set('status')} clearable />
          <Select
            label="Env"
            placeholder="Any"
            data={[
              { value: '0', label: 'live (0)' },
              { value: '1', label: 'sandbox (1)' },
            ]}
            value={form.env || null}
            onChange={set('env')}
            clearable
          />
          {FILTERS.map((f) => (
            <TextInput key={f} label={LABELS[f]} value={form[f] ?? ''} onChange={(e) => set(f)(e.currentTarget.value)} />
          ))}
        </SimpleGrid>
        <Group mt="sm" wrap="wrap" align="flex-start">
          <Button type="submit">Search</Button>
          <ExportButtons path={`/apps/${appId}/orders/export`} params={params} />
        </Group>
      </form>
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data?.orders.length === 0 ? (
        <Empty>No order in this range.</Empty>
      ) : narrow ? (
        <OrderCards orders={list.data?.orders ?? []} />
      ) : (
        <Table.ScrollContainer minWidth={860}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Created</Table.Th>
                <Table.Th>Order ID</Table.Th>
                <Table.Th>Out trade no</Table.Th>
                <Table.Th>Item</Table.Th>
                <Table.Th>Total</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Env</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data?.orders.map((o) => (
                <Table.Tr key={o.orderId}>
                  <Table.Td>
                    <Time iso={o.createdAt} />
                  </Table.Td>
                  <Table.Td>
                    <OrderLink orderId={o.orderId} />
                  </Table.Td>
                  <Table.Td>
                    <code>{o.outTradeNo}</code>
                  </Table.Td>
                  <Table.Td>{`${o.productId} × ${o.buyQuantity}`}</Table.Td>
                  <Table.Td>
                    <Money minor={o.totalAmount} currency={o.currencyType} />
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={o.status} />
                  </Table.Td>
                  <Table.Td>{o.env}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager pages={pages} nextCursor={list.data?.nextCursor} />
    </Stack>
  );
}

export function OrdersPage() {
  const { query } = useLocation();
  const orderId = query.get('order');
  return (
    <Stack>
      <PageTitle>Order records</PageTitle>
      <NeedsApp>
        {(appId) => (orderId ? <OrderDetailView appId={appId} orderId={orderId} /> : <OrderList key={appId} appId={appId} />)}
      </NeedsApp>
    </Stack>
  );
}
