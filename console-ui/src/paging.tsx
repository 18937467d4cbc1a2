// The console's lists come a page at a time, newest first, each answer carrying the next page's
// cursor (CONTRACT.md 7). A page keeps the cursors that led to it, so Previous goes back one.
import { useState } from 'react';
import { Button, Group, type GroupProps } from '@mantine/core';
import { download, type Query } from './api';
import { ActionButton } from './ui';

export interface CursorPages {
  /** The cursor of the page shown (null: the first page). */
  cursor: string | null;
  /** Back to the first page (a new search or filter). */
  reset(): void;
  canGoBack: boolean;
  back(): void;
  forward(next: string): void;
}

export function useCursorPages(): CursorPages {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  return {
    cursor: cursors[cursors.length - 1],
    reset: () => setCursors([null]),
    canGoBack: cursors.length > 1,
    back: () => setCursors((c) => c.slice(0, -1)),
    forward: (next) => setCursors((c) => [...c, next]),
  };
}

/** Previous and Next page under a list; Next only when the answer gave a cursor. */
export function Pager({ pages, nextCursor, mt }: { pages: CursorPages; nextCursor: string | null | undefined; mt?: GroupProps['mt'] }) {
  return (
    <Group mt={mt}>
      <Button variant="default" disabled={!pages.canGoBack} onClick={pages.back}>
        Previous page
      </Button>
      <Button variant="default" disabled={!nextCursor} onClick={() => nextCursor && pages.forward(nextCursor)}>
        Next page
      </Button>
    </Group>
  );
}

/** A list's export in both formats, with the list's own filters. */
export function ExportButtons({ path, params }: { path: string; params: Query }) {
  return (
    <>
      <ActionButton variant="default" run={() => download(path, { ...params, format: 'csv' })}>
        Export CSV
      </ActionButton>
      <ActionButton variant="default" run={() => download(path, { ...params, format: 'xlsx' })}>
        Export XLSX
      </ActionButton>
    </>
  );
}
