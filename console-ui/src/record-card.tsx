// Records on a phone: a list's wide table (order records, after-sales records) scrolls sideways
// inside its box, which leaves the status badge off the screen at 390 px. Below Mantine's `sm`
// breakpoint each row is a card instead, its status badge beside its title, whole, never squeezed.
import type { ReactNode } from 'react';
import { Group, Paper, Stack, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { StatusBadge } from './ui';

/** Whether the screen is narrower than `sm` (48em): read at once, so a page renders one layout only. */
export const useNarrow = (): boolean => useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });

/** One record as a card: its title (an id, which may wrap anywhere) and status, then its fields. */
export function RecordCard({ title, status, fields }: { title: ReactNode; status: string; fields: Array<[string, ReactNode]> }) {
  return (
    <Paper withBorder p="sm" data-testid="record-card">
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
        <Text size="sm" fw={600} style={{ wordBreak: 'break-all', minWidth: 0 }}>
          {title}
        </Text>
        <div style={{ flexShrink: 0 }}>
          <StatusBadge status={status} />
        </div>
      </Group>
      <Stack gap={2} mt={6}>
        {fields.map(([label, value]) => (
          <Text size="sm" key={label} style={{ overflowWrap: 'anywhere' }}>
            <Text span c="dimmed">
              {label}:{' '}
            </Text>
            {value}
          </Text>
        ))}
      </Stack>
    </Paper>
  );
}
