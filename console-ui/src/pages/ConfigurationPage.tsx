// Basic configuration (7.4, 7.5): the delivery notification configuration with its key (shown
// once), rotation and test push; and the review exemption.
import { useEffect, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { get, post, put } from '../api';
import { useCan, useSession } from '../session-context';
import { ActionButton, ErrorNote, Loading, NeedsApp, PageTitle, StatusBadge, Time, useLoad } from '../ui';

interface DeliveryConfig {
  url: string | null;
  testUrl: string | null;
  notifyEnabled: boolean;
  keyVersion: number;
  keyIssuedAt: string | null;
  appKey?: string;
}
interface TestPush {
  ok: boolean;
  httpStatus: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
}
interface Exemption {
  status: string;
  message: string | null;
  reason: string | null;
  updatedAt: string | null;
}

/** The app key, shown once: a copy button and a warning that it will not be shown again. */
function KeyOnce({ appKey, version, onClose }: { appKey: string | undefined; version: number; onClose(): void }) {
  return (
    <Modal opened={Boolean(appKey)} onClose={onClose} title={`App key, version ${version}`} size="lg" closeOnClickOutside={false}>
      <Stack>
        <Alert color="red" title="Shown only now" role="alert">
          Copy the key into your game backend now. vpay never shows it again (not here, not in the audit log); a lost key can only be
          replaced by a rotation.
        </Alert>
        <Code block data-testid="app-key" style={{ wordBreak: 'break-all' }}>
          {appKey}
        </Code>
        <Group justify="space-between">
          <CopyButton value={appKey ?? ''}>
            {({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy key'}</Button>}
          </CopyButton>
          <Button variant="default" onClick={onClose}>
            I have stored it
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function DeliverySection({ appId }: { appId: string }) {
  const can = useCan();
  const { reloadApps } = useSession();
  const editable = can('delivery.configure');
  const config = useLoad(() => get<DeliveryConfig>(`/apps/${appId}/delivery-config`), [appId]);
  const [url, setUrl] = useState('');
  const [testUrl, setTestUrl] = useState('');
  const [notify, setNotify] = useState(true);
  const [key, setKey] = useState<{ appKey: string; version: number }>();
  const [env, setEnv] = useState('1');
  const [push, setPush] = useState<TestPush>();
  useEffect(() => {
    if (!config.data) return;
    setUrl(config.data.url ?? '');
    setTestUrl(config.data.testUrl ?? '');
    setNotify(config.data.notifyEnabled);
  }, [config.data]);
  if (config.loading && !config.data) return <Loading />;
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        Delivery notification configuration
      </Title>
      <ErrorNote error={config.error} />
      {config.data && (
        <Stack gap="sm">
          <TextInput
            label="URL"
            description="Where vpay delivers paid items (http:// or https://)."
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            readOnly={!editable}
          />
          <TextInput
            label="Test URL"
            description="Where sandbox orders (env 1) and test pushes go."
            value={testUrl}
            onChange={(e) => setTestUrl(e.currentTarget.value)}
            readOnly={!editable}
          />
          <Switch
            label="Notifications on (off: new payments are refused; paid orders are still delivered)"
            checked={notify}
            onChange={(e) => setNotify(e.currentTarget.checked)}
            disabled={!editable}
          />
          <Text size="sm">
            Key:{' '}
            {config.data.keyVersion > 0 ? (
              <>
                version {config.data.keyVersion}, issued <Time iso={config.data.keyIssuedAt} />
              </>
            ) : (
              'none yet (the first save requests one)'
            )}
          </Text>
          {editable ? (
            <Group align="flex-start" wrap="wrap">
              <ActionButton
                disabled={!url.trim()}
                run={async () => {
                  const saved = await put<DeliveryConfig>(`/apps/${appId}/delivery-config`, {
                    url: url.trim(),
                    testUrl: testUrl.trim() || null,
                    notifyEnabled: notify,
                  });
                  if (saved.appKey) setKey({ appKey: saved.appKey, version: saved.keyVersion });
                }}
                onDone={() => {
                  config.reload();
                  void reloadApps();
                }}
              >
                {config.data.keyVersion > 0 ? 'Save' : 'Save and request key'}
              </ActionButton>
              {config.data.keyVersion > 0 && (
                <ActionButton
                  variant="default"
                  run={async () => {
                    const r = await post<{ appKey: string; keyVersion: number }>(`/apps/${appId}/keys`);
                    setKey({ appKey: r.appKey, version: r.keyVersion });
                  }}
                  onDone={config.reload}
                >
                  Rotate key
                </ActionButton>
              )}
            </Group>
          ) : (
            <Text size="sm" c="dimmed">
              Read-only: the mini program administrator and senior developers configure delivery.
            </Text>
          )}
          {editable && (
            <Paper withBorder p="sm" bg="var(--mantine-color-gray-0)">
              <Title order={3} size="h5" mb="xs">
                Test push
              </Title>
              <Group align="flex-start" wrap="wrap">
                <SegmentedControl
                  aria-label="Endpoint"
                  value={env}
                  onChange={setEnv}
                  data={[
                    { value: '1', label: 'Test URL' },
                    { value: '0', label: 'URL' },
                  ]}
                />
                <ActionButton
                  variant="light"
                  run={async () => {
                    setPush(undefined);
                    setPush(await post<TestPush>(`/apps/${appId}/delivery-config/test`, { env: Number(env) }));
                  }}
                >
                  Send test notification
                </ActionButton>
              </Group>
              {push && (
                <Alert
                  mt="sm"
                  color={push.ok ? 'green' : 'red'}
                  title={push.ok ? 'Acknowledged' : 'Not acknowledged'}
                  data-testid="test-push"
                >
                  <Text size="sm">
                    HTTP {push.httpStatus ?? 'no answer'} in {push.durationMs} ms{push.error ? `: ${push.error}` : ''}
                  </Text>
                  {push.responseBody !== null && (
                    <Code block mt="xs">
                      {push.responseBody || '(empty body)'}
                    </Code>
                  )}
                </Alert>
              )}
            </Paper>
          )}
        </Stack>
      )}
      <KeyOnce appKey={key?.appKey} version={key?.version ?? 0} onClose={() => setKey(undefined)} />
    </Paper>
  );
}

function ExemptionSection({ appId }: { appId: string }) {
  const can = useCan();
  const state = useLoad(() => get<Exemption>(`/apps/${appId}/review-exemption`), [appId]);
  const [message, setMessage] = useState('');
  const [reason, setReason] = useState('');
  const [removeItems, setRemoveItems] = useState(false);
  const status = state.data?.status;
  const body = () => (reason.trim() ? { reason: reason.trim() } : {});
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          Approval exemption for virtual item releases
        </Title>
        {status && <StatusBadge status={status} />}
      </Group>
      <ErrorNote error={state.error} />
      {state.loading && !state.data && <Loading />}
      {state.data && (
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            With the exemption approved, released items go live without the superapp&apos;s review. The superapp may revoke it and remove
            the items.
          </Text>
          {state.data.message && <Text size="sm">Request: “{state.data.message}”</Text>}
          {state.data.reason && <Text size="sm">Decision: “{state.data.reason}”</Text>}
          {state.data.updatedAt && (
            <Text size="sm">
              Updated <Time iso={state.data.updatedAt} />
            </Text>
          )}
          {can('exemption.request') && (status === 'NONE' || status === 'REJECTED' || status === 'REVOKED') && (
            <>
              <Textarea label="Request message" value={message} onChange={(e) => setMessage(e.currentTarget.value)} maxLength={500} />
              <ActionButton
                disabled={!message.trim()}
                run={() => post(`/apps/${appId}/review-exemption`, { message: message.trim() })}
                onDone={() => {
                  setMessage('');
                  state.reload();
                }}
              >
                Request exemption
              </ActionButton>
            </>
          )}
          {can('exemption.review') && (status === 'PENDING' || status === 'APPROVED') && (
            <>
              <TextInput label="Reason (optional)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={500} />
              <Group align="flex-start">
                {status === 'PENDING' && (
                  <>
                    <ActionButton run={() => post(`/apps/${appId}/review-exemption/approve`, body())} onDone={state.reload}>
                      Approve exemption
                    </ActionButton>
                    <ActionButton
                      color="red"
                      variant="light"
                      run={() => post(`/apps/${appId}/review-exemption/reject`, body())}
                      onDone={state.reload}
                    >
                      Reject exemption
                    </ActionButton>
                  </>
                )}
                {status === 'APPROVED' && (
                  <Stack gap="xs">
                    <Checkbox
                      label="Also remove every live item of the game"
                      checked={removeItems}
                      onChange={(e) => setRemoveItems(e.currentTarget.checked)}
                    />
                    <ActionButton
                      color="red"
                      run={() => post(`/apps/${appId}/review-exemption/revoke`, { ...body(), removeItems })}
                      onDone={state.reload}
                    >
                      Revoke exemption
                    </ActionButton>
                  </Stack>
                )}
              </Group>
            </>
          )}
          {!can('exemption.request') && !can('exemption.review') && (
            <Badge variant="outline" color="gray">
              Read-only
            </Badge>
          )}
        </Stack>
      )}
    </Paper>
  );
}

export function ConfigurationPage() {
  return (
    <Stack>
      <PageTitle>Basic configuration</PageTitle>
      <NeedsApp>
        {(appId) => (
          <Stack key={appId}>
            <DeliverySection appId={appId} />
            <ExemptionSection appId={appId} />
          </Stack>
        )}
      </NeedsApp>
    </Stack>
  );
}
