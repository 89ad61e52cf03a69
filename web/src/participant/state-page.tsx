import { useEffect, useRef, type ReactNode } from 'react';
import type { PageStrings } from './strings';

/**
 * One screen of the participant page: its title in the tab, one h1, and focus moved to that h1
 * when the screen appears, so screen-reader and keyboard users land on the news (not on `body`).
 */
export function StatePage({ title, tone, children }: { title: string; tone?: 'ok' | 'warn'; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = title;
    heading.current?.focus();
  }, [title]);
  return (
    <section className={`card state${tone ? ` state-${tone}` : ''}`} aria-labelledby="state-title">
      <h1 id="state-title" tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children}
    </section>
  );
}

/** The study's first contact, where a participant may need a person (closed, withdrawn, not ready …). */
export function Contact({ contact, strings }: { contact: { name: string; email: string } | null; strings: PageStrings }) {
  if (!contact) return null;
  return (
    <p className="contact">
      {strings.contact(contact.name)}
      <a href={`mailto:${contact.email}`}>{contact.email}</a>
      {strings.contactSuffix}
    </p>
  );
}
