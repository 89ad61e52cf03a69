const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attributes. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => entities[c]!);

/** A plain, readable email layout: one column, system fonts, a single clear button. */
export function emailLayout(opts: {
  heading: string;
  paragraphs: string[];
  button?: { label: string; href: string };
  footer: string[];
  unsubscribe?: { href: string; label: string };
  language?: string;
}): string {
  const p = (text: string) => `<p style="margin:0 0 16px;line-height:1.5">${escapeHtml(text)}</p>`;
  const copyHint = opts.language === 'fr' ? 'Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :' : 'If the button does not work, copy this address into your browser:';
  const button = opts.button
    ? `<p style="margin:24px 0"><a href="${escapeHtml(opts.button.href)}" style="background:#1d4ed8;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600;display:inline-block">${escapeHtml(opts.button.label)}</a></p>
<p style="margin:0 0 16px;line-height:1.5;font-size:14px;color:#374151">${escapeHtml(copyHint)}<br><span style="word-break:break-all">${escapeHtml(opts.button.href)}</span></p>`
    : '';
  return `<!doctype html>
<html lang="${escapeHtml(opts.language ?? 'en')}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(opts.heading)}</title></head>
<body style="margin:0;padding:24px;background:#f3f4f6;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#111827;font-size:16px">
<div style="max-width:560px;margin:0 auto;background:#ffffff;padding:24px;border-radius:8px">
<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(opts.heading)}</h1>
${opts.paragraphs.map(p).join('\n')}
${button}
<hr style="border:none;border-top:1px solid #e5e7eb;margin:24px 0">
${opts.footer.map((f) => `<p style="margin:0 0 8px;font-size:13px;color:#4b5563;line-height:1.5">${escapeHtml(f)}</p>`).join('\n')}
${opts.unsubscribe ? `<p style="margin:0 0 8px;font-size:13px;color:#4b5563;line-height:1.5"><a href="${escapeHtml(opts.unsubscribe.href)}" style="color:#4b5563">${escapeHtml(opts.unsubscribe.label)}</a></p>` : ''}
</div></body></html>`;
}

/**
 * An RFC 5322 mailbox "Name <address>": the display name quoted, or as a MIME encoded-word
 * when it is not plain ASCII, so a study called "Pain, Mind & Body" or "Étude" is not mangled.
 */
export function formatMailbox(name: string, address: string): string {
  const clean = name.replace(/[\r\n"\\]/g, ' ').trim();
  if (clean === '') return address;
  const display = /^[\x20-\x7e]*$/.test(clean) ? `"${clean}"` : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
  return `${display} <${address}>`;
}
