import MarkdownIt from 'markdown-it';
import { useMemo } from 'react';

// Raw HTML in the source is shown as text, never run; markdown-it refuses javascript: and data: links.
const md = new MarkdownIt('commonmark', { html: false, linkify: false });

/** A consent text (Markdown) as the participant reads it. */
export function Markdown({ source, id }: { source: string; id?: string }) {
  const html = useMemo(() => md.render(source), [source]);
  return <div className="markdown" id={id} dangerouslySetInnerHTML={{ __html: html }} />;
}
