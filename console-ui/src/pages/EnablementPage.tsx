// Payment enablement (7.3): an mp_admin asks for payment on a game; the platform roles approve or
// reject. Everyone sees the requests of the games they see.
import { useState } from 'react';
import { Badge, Group, Paper, SegmentedControl, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { get, post } from '../api';
import { useCan, useSession } from '../session-context';
import { ActionButton, Empty, ErrorNote, Loading, NeedsApp, PageTitle, StatusBadge, Time, useLoad } from '../ui';

interface PaymentRequest {
  requestId: string;
  appId: string;
  appName: string;
  status: string;
  message: string;
  reason: string | null;
  requestedBy: string;
  reviewedBy: string | null;
  createdAt: string;
  reviewedAt: string | null;
}

export function EnablementPage() {
  const can = useCan();
  const { apps, reloadApps } = useSession();
  const [status, setStatus] = useState('PENDING');
  const [message, setMessage] = useState('');
  const [reason, setReason] = useState('');
  const list = useLoad(
    () => get<{ requests: PaymentRequest[] }>('/payment-requests', { status: status === 'ALL' ? undefined : status, limit: 100 }),
    [status],
  );
  const after = () => {
    list.reload();
    void reloadApps();
  };
  return (
    <Stack>
      <PageTitle>Payment enablement</PageTitle>
      <NeedsApp>
        {(appId) => {
          const app = apps.find((a) => a.appId === appId);
          return (
            <Paper withBorder p="md">
              <Group justify="space-between" mb="sm">
                <Title order={2} size="h4">
                  {app?.name}
                </Title>
                <Badge color={app?.paymentEnabled ? 'green' : 'gray'} variant="light" size="lg">
                  {app?.paymentEnabled ? 'Virtual payment enabled' : 'Virtual payment not enabled'}
                </Badge>
              </Group>
              {can('payment.request') && !app?.paymentEnabled && (
                <Stack gap="xs">
                  <Textarea
                    label="Request message"
                    description="What the superapp reviews: the game and what it sells."
                    value={message}
                    onChange={(e) => setMessage(e.currentTarget.value)}
                    maxLength={500}
                  />
                  <ActionButton
                    disabled={!message.trim()}
                    run={() => post(`/apps/${appId}/payment-requests`, { message: message.trim() })}
                    onDone={() => {
                      setMessage('');
                      after();
                    }}
                  >
                    Request permission
                  </ActionButton>
                </Stack>
              )}
              {!can('payment.request') && !can('payment.review') && (
                <Text size="sm" c="dimmed">
                  Only the mini program administrator requests payment; the superapp approves it.
                </Text>
              )}
            </Paper>
          );
        }}
      </NeedsApp>
      <Group justify="space-between" wrap="wrap">
        <Title order={2} size="h4">
          Requests
        </Title>
        <SegmentedControl
          aria-label="Status"
          value={status}
          onChange={setStatus}
          data={['PENDING', 'APPROVED', 'REJECTED', 'ALL'].map((s) => ({ value: s, label: s.toLowerCase() }))}
        />
      </Group>
      {can('payment.review') && (
        <TextInput
          label="Reason for the decision (optional)"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          maxLength={500}
        />
      )}
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data?.requests.length === 0 ? (
        <Empty>No {status === 'ALL' ? '' : status.toLowerCase()} requests.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Mini game</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Message</Table.Th>
                <Table.Th>Requested</Table.Th>
                <Table.Th>Decision</Table.Th>
                {can('payment.review') && <Table.Th>Review</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data?.requests.map((r) => (
                <Table.Tr key={r.requestId}>
                  <Table.Td>
                    {r.appName}{' '}
                    <Text span size="xs" c="dimmed">
                      {r.appId}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={r.status} />
                  </Table.Td>
                  <Table.Td>{r.message}</Table.Td>
                  <Table.Td>
                    <Time iso={r.createdAt} />
                  </Table.Td>
                  <Table.Td>
                    {r.reviewedAt ? (
                      <>
                        <Time iso={r.reviewedAt} /> {r.reason && <Text size="xs">“{r.reason}”</Text>}
                      </>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  {can('payment.review') && (
                    <Table.Td>
                      {r.status === 'PENDING' && (
                        <Group gap="xs" wrap="nowrap">
                          <ActionButton
                            size="xs"
                            aria-label={`Approve ${r.appName}`}
                            run={() => post(`/payment-requests/${r.requestId}/approve`, reason.trim() ? { reason: reason.trim() } : {})}
                            onDone={after}
                          >
                            Approve
                          </ActionButton>
                          <ActionButton
                            size="xs"
                            color="red"
                            variant="light"
                            aria-label={`Reject ${r.appName}`}
                            run={() => post(`/payment-requests/${r.requestId}/reject`, reason.trim() ? { reason: reason.trim() } : {})}
                            onDone={after}
                          >
                            Reject
                          </ActionButton>
                        </Group>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
