import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';
import type { Section } from './roles';

/**
 * A deliberately tiny router on the History API: the console has a dozen flat routes, so a
 * pattern match is clearer than a library. The local server and CloudFront answer every
 * non-file path with index.html, so deep links and reloads work.
 */
export type Route =
  | { name: 'home' }
  | { name: 'sign-in' }
  | { name: 'studies' }
  | { name: 'new-study' }
  | { name: 'staff' }
  | { name: Section; studyId: string }
  | { name: 'participant'; studyId: string; code: string }
  | { name: 'not-found'; path: string };

const sections: ReadonlySet<string> = new Set(['dashboard', 'participants', 'setup', 'allocation', 'audit', 'exports', 'summary']);

export function matchRoute(path: string): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [a, b, c, d, e] = parts;
  if (parts.length === 0) return { name: 'home' };
  if (a === 'staff' && b === 'sign-in' && parts.length === 2) return { name: 'sign-in' };
  if (a === 'staff' && parts.length === 1) return { name: 'staff' };
  if (a === 'studies') {
    if (parts.length === 1) return { name: 'studies' };
    if (b === 'new' && parts.length === 2) return { name: 'new-study' };
    if (b !== undefined && parts.length === 2) return { name: 'participants', studyId: b };
    if (b !== undefined && c !== undefined && sections.has(c) && parts.length === 3) return { name: c as Section, studyId: b };
    if (b !== undefined && c === 'participants' && d !== undefined && e === undefined) return { name: 'participant', studyId: b, code: d };
  }
  return { name: 'not-found', path };
}

export const paths = {
  section: (studyId: string, section: Section) => `/studies/${encodeURIComponent(studyId)}/${section}`,
  participant: (studyId: string, code: string) => `/studies/${encodeURIComponent(studyId)}/participants/${encodeURIComponent(code)}`,
};

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** The current path; components re-render when it changes. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** A real link (open in a new tab, copy address, keyboard) that navigates in place on a plain click. */
export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}
