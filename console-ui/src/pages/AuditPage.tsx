// The audit log (7.8): every console change, newest first; one game's or all the caller sees.
import { useState } from 'react';
import { Select, Stack, Table } from '@mantine/core';
import { get } from '../api';
import { useSession } from '../session-context';
import { Empty, ErrorNote, Loading, PageTitle, Time, useLoad } from '../ui';
import { Pager, useCursorPages } from '../paging';

interface Entry {
  at: string;
  userId: string;
  role: string;
  action: string;
  appId: string | null;
  target: string | null;
  summary: string;
}

export function AuditPage() {
  const { apps } = useSession();
  const [appId, setAppId] = useState<string | null>(null);
  const pages = useCursorPages();
  const { cursor } = pages;
  const log = useLoad(
    () => get<{ entries: Entry[]; nextCursor: string | null }>('/audit-log', { appId, limit: 50, cursor }),
    [appId, cursor],
  );
  return (
    <Stack>
      <PageTitle
        right={
          <Select
            label="Mini game"
            placeholder="All"
            data={apps.map((a) => ({ value: a.appId, label: a.name }))}
            value={appId}
            onChange={(v) => {
              setAppId(v);
              pages.reset();
            }}
            clearable
            w={260}
          />
        }
      >
        Audit log
      </PageTitle>
      <ErrorNote error={log.error} />
      {log.loading && !log.data ? (
        <Loading />
      ) : log.data?.entries.length === 0 ? (
        <Empty>No entry.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Mini game</Table.Th>
                <Table.Th>Summary</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {log.data?.entries.map((e, i) => (
                <Table.Tr key={`${e.at}-${i}`}>
                  <Table.Td>
                    <Time iso={e.at} />
                  </Table.Td>
                  <Table.Td>
                    <code>{e.userId}</code> ({e.role})
                  </Table.Td>
                  <Table.Td>
                    <code>{e.action}</code>
                  </Table.Td>
                  <Table.Td>{apps.find((a) => a.appId === e.appId)?.name ?? e.appId ?? '—'}</Table.Td>
                  <Table.Td>{e.summary}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager pages={pages} nextCursor={log.data?.nextCursor} />
    </Stack>
  );
}
