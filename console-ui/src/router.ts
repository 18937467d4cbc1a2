// A small router over the History API: pages live at /console/<page>, the selected app in the
// query (?app=). Enough for a dozen pages, without another dependency.
import { useSyncExternalStore } from 'react';

export const BASE = '/console';
const CHANGE = 'vpay:navigate';

const subscribe = (notify: () => void) => {
  window.addEventListener('popstate', notify);
  window.addEventListener(CHANGE, notify);
  return () => {
    window.removeEventListener('popstate', notify);
    window.removeEventListener(CHANGE, notify);
  };
};
const snapshot = () => window.location.pathname + window.location.search;

export interface Location {
  /** The page: the path below /console, without slashes at either end ('' for the home page). */
  page: string;
  query: URLSearchParams;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  const page = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : url.pathname;
  return { page: page.replace(/^\/+|\/+$/g, ''), query: url.searchParams };
}

/** The href of a page, keeping the selected app unless told otherwise. */
export function hrefOf(page: string, query: Record<string, string | undefined> = {}): string {
  const current = new URLSearchParams(window.location.search);
  const q = new URLSearchParams();
  const app = 'app' in query ? query.app : (current.get('app') ?? undefined);
  if (app) q.set('app', app);
  for (const [k, v] of Object.entries(query)) if (k !== 'app' && v) q.set(k, v);
  const s = q.toString();
  return `${BASE}/${page}${s ? `?${s}` : ''}`;
}

export function navigate(href: string, o: { replace?: boolean } = {}): void {
  if (o.replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  window.dispatchEvent(new Event(CHANGE));
}
