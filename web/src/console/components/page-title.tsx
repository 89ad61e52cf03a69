import { useEffect, type ReactNode } from 'react';

/**
 * The page's one h1. It takes focus after client-side navigation (see the shell), so screen
 * reader and keyboard users start at the new page's title; it also names the browser tab.
 */
export function PageTitle({ title, children }: { title: string; children?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Timepoint`;
  }, [title]);
  return (
    <div className="page-title">
      <h1 tabIndex={-1}>{title}</h1>
      {children}
    </div>
  );
}
