// Virtual item management (7.6): the list with status and search, add, edit, delete or remove,
// the template, the import (every bad cell by row and column), batch release; and for the
// platform roles the review queue.
import { useState } from 'react';
import {
  Button,
  Checkbox,
  FileInput,
  Group,
  Modal,
  NumberInput,
  Paper,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { del, download, get, patch, post, upload } from '../api';
import { useCan } from '../session-context';
import { ActionButton, Empty, ErrorNote, Loading, Money, NeedsApp, PageTitle, StatusBadge, Time, asApiError, useLoad } from '../ui';
import { Pager, useCursorPages } from '../paging';
import type { ApiError } from '../api';

export interface Item {
  productId: string;
  name: string;
  price: number;
  currencyType: string;
  imageUrl: string | null;
  status: string;
  live: { name: string; price: number; currencyType: string; imageUrl: string | null; releasedAt: string } | null;
  reviewReason: string | null;
  createdAt: string;
  updatedAt: string;
}

const STATUSES = ['DRAFT', 'PENDING_REVIEW', 'RELEASED', 'REJECTED', 'REMOVED'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function ItemForm({ appId, item, onClose }: { appId: string; item: Item | 'new' | undefined; onClose(saved: boolean): void }) {
  const editing = item && item !== 'new' ? item : undefined;
  const [productId, setProductId] = useState(editing?.productId ?? '');
  const [name, setName] = useState(editing?.name ?? '');
  const [price, setPrice] = useState<string | number>(editing?.price ?? '');
  const [currency, setCurrency] = useState(editing?.currencyType ?? 'USD');
  const [imageUrl, setImageUrl] = useState(editing?.imageUrl ?? '');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(undefined);
    const body = { name: name.trim(), price: Number(price), currencyType: currency.trim(), imageUrl: imageUrl.trim() || null };
    try {
      if (editing) await patch(`/apps/${appId}/items/${encodeURIComponent(editing.productId)}`, body);
      else await post(`/apps/${appId}/items`, { productId: productId.trim(), ...body, imageUrl: body.imageUrl ?? undefined });
      onClose(true);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={item !== undefined} onClose={() => onClose(false)} title={editing ? `Edit ${editing.productId}` : 'Add virtual item'}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Stack gap="sm">
          <TextInput
            label="Item ID"
            value={productId}
            onChange={(e) => setProductId(e.currentTarget.value)}
            disabled={Boolean(editing)}
            required
          />
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required />
          <Group grow>
            <NumberInput label="Price (minor units)" value={price} onChange={setPrice} min={1} allowDecimal={false} required />
            <TextInput
              label="Currency"
              value={currency}
              onChange={(e) => setCurrency(e.currentTarget.value.toUpperCase())}
              maxLength={3}
              required
            />
          </Group>
          <Text size="xs" c="dimmed">
            Shown as <Money minor={Number(price) || 0} currency={currency} />
          </Text>
          <TextInput label="Image URL" value={imageUrl} onChange={(e) => setImageUrl(e.currentTarget.value)} />
          <ErrorNote error={error} />
          <Button type="submit" loading={busy}>
            Save
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

function ImportBox({ appId, onImported }: { appId: string; onImported(): void }) {
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<string>();
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h5" mb="xs">
        Import virtual items
      </Title>
      <Group align="flex-end" wrap="wrap">
        <FileInput
          label="Filled-in template (CSV or XLSX)"
          accept=".csv,.xlsx,text/csv"
          value={file}
          onChange={setFile}
          clearable
          w={320}
        />
        <ActionButton
          disabled={!file}
          run={async () => {
            setResult(undefined);
            const type = file!.name.toLowerCase().endsWith('.xlsx') ? XLSX : 'text/csv';
            const r = await upload<{ created: number; updated: number }>(`/apps/${appId}/items/import`, file!, type);
            setResult(`Imported: ${r.created} added, ${r.updated} updated.`);
            setFile(null);
          }}
          onDone={onImported}
        >
          Import
        </ActionButton>
      </Group>
      {result && (
        <Text size="sm" mt="xs" role="status" fw={600}>
          {result}
        </Text>
      )}
    </Paper>
  );
}

function ItemList({ appId }: { appId: string }) {
  const can = useCan();
  const [status, setStatus] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const pages = useCursorPages();
  const [selected, setSelected] = useState<string[]>([]);
  const [editing, setEditing] = useState<Item | 'new'>();
  const { cursor } = pages;
  const list = useLoad(
    () => get<{ items: Item[]; nextCursor: string | null }>(`/apps/${appId}/items`, { status, q: search, limit: 50, cursor }),
    [appId, status, search, cursor],
  );
  const reset = () => {
    pages.reset();
    setSelected([]);
    list.reload();
  };
  const releasable = (i: Item) => i.status === 'DRAFT' || i.status === 'REJECTED';
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Group align="flex-end" wrap="wrap">
          <Select
            label="Status"
            placeholder="Any"
            data={STATUSES}
            value={status}
            onChange={(v) => {
              setStatus(v);
              pages.reset();
            }}
            clearable
            w={180}
          />
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setSearch(q.trim());
              pages.reset();
            }}
          >
            <Group align="flex-end" gap="xs">
              <TextInput label="Search item ID or name" value={q} onChange={(e) => setQ(e.currentTarget.value)} />
              <Button type="submit" variant="light">
                Search
              </Button>
            </Group>
          </form>
        </Group>
        <Group wrap="wrap">
          {can('items.template') && (
            <>
              <ActionButton variant="default" run={() => download('/item-template', { format: 'xlsx' })}>
                Template (XLSX)
              </ActionButton>
              <ActionButton variant="default" run={() => download('/item-template', { format: 'csv' })}>
                Template (CSV)
              </ActionButton>
            </>
          )}
          {can('items.edit') && <Button onClick={() => setEditing('new')}>Add virtual item</Button>}
        </Group>
      </Group>
      {can('items.edit') && <ImportBox appId={appId} onImported={reset} />}
      {can('items.release') && (
        <Group>
          <ActionButton
            disabled={selected.length === 0}
            run={() => post(`/apps/${appId}/items/release`, { productIds: selected })}
            onDone={reset}
          >
            {`Release selected (${selected.length})`}
          </ActionButton>
        </Group>
      )}
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data?.items.length === 0 ? (
        <Empty>{search || status ? 'No item matches.' : 'No virtual items yet.'}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table striped highlightOnHover data-testid="items">
            <Table.Thead>
              <Table.Tr>
                {can('items.release') && (
                  <Table.Th>
                    <Checkbox
                      aria-label="Select every releasable item"
                      checked={selected.length > 0 && selected.length === (list.data?.items.filter(releasable).length ?? 0)}
                      onChange={(e) =>
                        setSelected(e.currentTarget.checked ? (list.data?.items.filter(releasable).map((i) => i.productId) ?? []) : [])
                      }
                    />
                  </Table.Th>
                )}
                <Table.Th>Item ID</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Price</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Live version</Table.Th>
                <Table.Th>Updated</Table.Th>
                {(can('items.edit') || can('items.remove')) && <Table.Th>Actions</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data?.items.map((i) => (
                <Table.Tr key={i.productId}>
                  {can('items.release') && (
                    <Table.Td>
                      <Checkbox
                        aria-label={`Select ${i.productId}`}
                        disabled={!releasable(i)}
                        checked={selected.includes(i.productId)}
                        onChange={(e) => {
                          const checked = e.currentTarget.checked;
                          setSelected((s) => (checked ? [...s, i.productId] : s.filter((p) => p !== i.productId)));
                        }}
                      />
                    </Table.Td>
                  )}
                  <Table.Td>
                    <code>{i.productId}</code>
                  </Table.Td>
                  <Table.Td>{i.name}</Table.Td>
                  <Table.Td>
                    <Money minor={i.price} currency={i.currencyType} />
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={i.status} />
                    {i.reviewReason && <Text size="xs">“{i.reviewReason}”</Text>}
                  </Table.Td>
                  <Table.Td>{i.live ? <Money minor={i.live.price} currency={i.live.currencyType} /> : '—'}</Table.Td>
                  <Table.Td>
                    <Time iso={i.updatedAt} />
                  </Table.Td>
                  {(can('items.edit') || can('items.remove')) && (
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        {can('items.edit') && (
                          <Button size="xs" variant="light" onClick={() => setEditing(i)} aria-label={`Edit ${i.productId}`}>
                            Edit
                          </Button>
                        )}
                        {can('items.remove') && i.status !== 'REMOVED' && (
                          <ActionButton
                            size="xs"
                            color="red"
                            variant="light"
                            aria-label={`${i.live ? 'Remove' : 'Delete'} ${i.productId}`}
                            run={() => del(`/apps/${appId}/items/${encodeURIComponent(i.productId)}`)}
                            onDone={list.reload}
                          >
                            {i.live ? 'Remove' : 'Delete'}
                          </ActionButton>
                        )}
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager pages={pages} nextCursor={list.data?.nextCursor} />
      {editing && (
        <ItemForm
          key={editing === 'new' ? 'new' : editing.productId}
          appId={appId}
          item={editing}
          onClose={(saved) => {
            setEditing(undefined);
            if (saved) list.reload();
          }}
        />
      )}
    </Stack>
  );
}

function ReviewQueue({ appId }: { appId: string }) {
  const [reason, setReason] = useState('');
  const queue = useLoad(() => get<{ items: Array<Item & { appId: string; appName: string }> }>('/reviews', { appId, limit: 200 }), [appId]);
  const review = (productId: string, decision: 'approve' | 'reject') =>
    post(`/apps/${appId}/items/${encodeURIComponent(productId)}/review`, { decision, ...(reason.trim() ? { reason: reason.trim() } : {}) });
  return (
    <Stack>
      <TextInput label="Reason (optional)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={500} />
      <ErrorNote error={queue.error} />
      {queue.loading && !queue.data ? (
        <Loading />
      ) : queue.data?.items.length === 0 ? (
        <Empty>Nothing waits for review.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Item ID</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Price</Table.Th>
                <Table.Th>Asked</Table.Th>
                <Table.Th>Decision</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {queue.data?.items.map((i) => (
                <Table.Tr key={i.productId}>
                  <Table.Td>
                    <code>{i.productId}</code>
                  </Table.Td>
                  <Table.Td>{i.name}</Table.Td>
                  <Table.Td>
                    <Money minor={i.price} currency={i.currencyType} />
                  </Table.Td>
                  <Table.Td>
                    <Time iso={i.updatedAt} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <ActionButton
                        size="xs"
                        aria-label={`Approve ${i.productId}`}
                        run={() => review(i.productId, 'approve')}
                        onDone={queue.reload}
                      >
                        Approve
                      </ActionButton>
                      <ActionButton
                        size="xs"
                        color="red"
                        variant="light"
                        aria-label={`Reject ${i.productId}`}
                        run={() => review(i.productId, 'reject')}
                        onDone={queue.reload}
                      >
                        Reject
                      </ActionButton>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

export function ItemsPage() {
  const can = useCan();
  const [tab, setTab] = useState<string | null>(can('items.review') ? 'reviews' : 'items');
  return (
    <Stack>
      <PageTitle>Virtual items</PageTitle>
      <NeedsApp>
        {(appId) =>
          can('items.review') ? (
            <Tabs value={tab} onChange={setTab} keepMounted={false}>
              <Tabs.List>
                <Tabs.Tab value="reviews">Review queue</Tabs.Tab>
                <Tabs.Tab value="items">Items</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="reviews" pt="md">
                <ReviewQueue appId={appId} />
              </Tabs.Panel>
              <Tabs.Panel value="items" pt="md">
                <ItemList key={appId} appId={appId} />
              </Tabs.Panel>
            </Tabs>
          ) : (
            <ItemList key={appId} appId={appId} />
          )
        }
      </NeedsApp>
    </Stack>
  );
}
