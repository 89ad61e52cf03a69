import MarkdownIt from 'markdown-it';
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { Language } from '../i18n/language';

/** What the signed record shows. */
export interface ConsentPdfInput {
  study: { id: string; name: string };
  code: string;
  version: string;
  language: Language;
  /** The exact text shown (Markdown), whose hash is `textHash`. */
  text: string;
  textHash: string;
  /** The name the participant typed as their signature. */
  name: string;
  agreedAt: string;
  via: 'link' | 'join';
  /** The participant's time zone, for the local time next to UTC. */
  timezone: string;
}

/** A block of the consent text as laid out: a heading, a paragraph, or a list item. */
interface Block {
  kind: 'heading' | 'paragraph' | 'item';
  text: string;
  level?: number;
  bullet?: string;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const BODY = 10.5;

const labels: Record<Language, Record<string, string>> = {
  en: {
    title: 'Record of consent',
    study: 'Study',
    participant: 'Participant',
    version: 'Consent version',
    language: 'Language of the text shown',
    agreed: 'Agreed',
    local: 'local time',
    name: 'Signed (name typed by the participant)',
    via: 'Given',
    viaLink: 'at a questionnaire link, after reading the text below',
    viaJoin: 'while enrolling through the study’s public link, after verifying their email address and reading the text below',
    hash: 'SHA-256 of the text shown (UTF-8)',
    hashNote: 'Any change to the text, even of one character, gives a different fingerprint.',
    text: 'The text shown',
    page: 'page',
    of: 'of',
  },
  fr: {
    title: 'Attestation de consentement',
    study: 'Étude',
    participant: 'Participant',
    version: 'Version du consentement',
    language: 'Langue du texte présenté',
    agreed: 'Accepté le',
    local: 'heure locale',
    name: 'Signé (nom saisi par le participant)',
    via: 'Donné',
    viaLink: 'depuis un lien de questionnaire, après lecture du texte ci-dessous',
    viaJoin: 'lors de l’inscription par le lien public de l’étude, après vérification de son adresse e-mail et lecture du texte ci-dessous',
    hash: 'Empreinte SHA-256 du texte présenté (UTF-8)',
    hashNote: 'Toute modification du texte, même d’un caractère, donne une autre empreinte.',
    text: 'Le texte présenté',
    page: 'page',
    of: 'sur',
  },
};

/** The consent text as blocks: Markdown parsed (never rendered as HTML), inline formatting reduced to its words. */
export function consentBlocks(markdown: string): Block[] {
  const tokens = new MarkdownIt('commonmark', { html: false }).parse(markdown, {});
  const blocks: Block[] = [];
  const lists: Array<{ ordered: boolean; next: number }> = [];
  let pending: Omit<Block, 'text'> | null = null;
  for (const token of tokens) {
    switch (token.type) {
      case 'bullet_list_open':
        lists.push({ ordered: false, next: 1 });
        break;
      case 'ordered_list_open':
        lists.push({ ordered: true, next: Number(token.attrGet('start') ?? 1) });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        break;
      case 'list_item_open': {
        const list = lists.at(-1)!;
        pending = { kind: 'item', level: lists.length, bullet: list.ordered ? `${list.next++}.` : '•' };
        break;
      }
      case 'heading_open':
        pending = { kind: 'heading', level: Number(token.tag.slice(1)) };
        break;
      case 'inline': {
        const text = (token.children ?? [])
          .map((child) => (child.type === 'softbreak' || child.type === 'hardbreak' ? ' ' : child.type === 'image' ? child.content : child.content))
          .join('')
          .replace(/\s+/g, ' ')
          .trim();
        if (text === '') break;
        // A list item's first paragraph carries its bullet; later ones are indented paragraphs.
        if (pending !== null) blocks.push({ ...pending, text });
        else blocks.push({ kind: lists.length > 0 ? 'item' : 'paragraph', level: lists.length, text });
        pending = null;
        break;
      }
      case 'code_block':
      case 'fence':
        blocks.push({ kind: 'paragraph', text: token.content.trim() });
        break;
    }
  }
  return blocks;
}

/**
 * The signed record as a PDF: who consented to which version, when, in which language, with
 * the name they typed, the SHA-256 of the exact text shown, and that text. Standard PDF fonts
 * (WinAnsi), which cover English and French; any character they cannot show is printed as "?"
 * (the hash is of the text as stored, not of the print).
 */
export async function consentPdf(input: ConsentPdfInput): Promise<Uint8Array> {
  const l = labels[input.language];
  const doc = await PDFDocument.create();
  doc.setTitle(`${l.title}: ${input.study.name}, ${input.code}, v${input.version}`);
  doc.setSubject(`SHA-256 ${input.textHash}`);
  doc.setAuthor('Timepoint');
  doc.setCreationDate(new Date(input.agreedAt));
  doc.setModificationDate(new Date(input.agreedAt));
  const fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    mono: await doc.embedFont(StandardFonts.Courier),
  };
  const writer = new PageWriter(doc, fonts.regular);

  writer.line(l.title!, fonts.bold, 18, { after: 6 });
  writer.line(input.study.name, fonts.bold, 13, { after: 12 });
  const local = localTime(input.agreedAt, input.timezone, input.language);
  const fields: Array<[string, string]> = [
    [l.study!, `${input.study.name} (${input.study.id})`],
    [l.participant!, input.code],
    [l.version!, input.version],
    [l.language!, input.language],
    [l.agreed!, `${input.agreedAt} (UTC) · ${local} (${l.local}, ${input.timezone})`],
    [l.name!, input.name],
    [l.via!, input.via === 'join' ? l.viaJoin! : l.viaLink!],
  ];
  for (const [label, value] of fields) {
    writer.line(label, fonts.bold, 9, { after: 1, colour: 0.35 });
    writer.paragraph(value, fonts.regular, 11, { after: 7 });
  }
  writer.line(l.hash!, fonts.bold, 9, { after: 1, colour: 0.35 });
  writer.line(input.textHash, fonts.mono, 9.5, { after: 2 });
  writer.paragraph(l.hashNote!, fonts.regular, 8.5, { after: 14, colour: 0.35 });
  writer.rule();
  writer.line(l.text!, fonts.bold, 12, { after: 8 });
  for (const block of consentBlocks(input.text)) {
    if (block.kind === 'heading') writer.paragraph(block.text, fonts.bold, Math.max(BODY + 1, 15 - (block.level ?? 1)), { before: 6, after: 4 });
    else if (block.kind === 'item') writer.paragraph(block.text, fonts.regular, BODY, { after: 4, indent: 14 * (block.level ?? 1), bullet: block.bullet ?? '' });
    else writer.paragraph(block.text, fonts.regular, BODY, { after: 7 });
  }
  writer.footers(`${input.study.name} · ${input.code} · v${input.version}`, (n, total) => `${l.page} ${n} ${l.of} ${total}`);
  return doc.save();
}

function localTime(iso: string, zone: string, language: Language): string {
  try {
    return new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: zone }).format(new Date(iso));
  } catch {
    return iso;
  }
}

/** Lays out lines and wrapped paragraphs top to bottom, starting a page when one is full. */
class PageWriter {
  private page: PDFPage;
  private y: number;
  private readonly pages: PDFPage[] = [];

  constructor(
    private readonly doc: PDFDocument,
    private readonly footerFont: PDFFont,
  ) {
    this.page = this.newPage();
    this.y = A4.height - MARGIN;
  }

  private newPage(): PDFPage {
    const page = this.doc.addPage([A4.width, A4.height]);
    this.pages.push(page);
    this.y = A4.height - MARGIN;
    return page;
  }

  private ensure(height: number) {
    if (this.y - height < MARGIN + 20) this.page = this.newPage();
  }

  line(text: string, font: PDFFont, size: number, options: { after?: number; colour?: number } = {}) {
    this.ensure(size * 1.3);
    this.y -= size;
    this.page.drawText(printable(text, font), { x: MARGIN, y: this.y, size, font, color: rgb(options.colour ?? 0, options.colour ?? 0, options.colour ?? 0) });
    this.y -= size * 0.3 + (options.after ?? 0);
  }

  paragraph(text: string, font: PDFFont, size: number, options: { before?: number; after?: number; indent?: number; bullet?: string; colour?: number } = {}) {
    this.y -= options.before ?? 0;
    const x = MARGIN + (options.indent ?? 0);
    const width = A4.width - MARGIN - x;
    const lines = wrap(printable(text, font), font, size, width);
    const colour = rgb(options.colour ?? 0, options.colour ?? 0, options.colour ?? 0);
    lines.forEach((line, i) => {
      this.ensure(size * 1.4);
      this.y -= size;
      if (i === 0 && options.bullet) this.page.drawText(printable(options.bullet, font), { x: x - 12, y: this.y, size, font, color: colour });
      this.page.drawText(line, { x, y: this.y, size, font, color: colour });
      this.y -= size * 0.4;
    });
    this.y -= options.after ?? 0;
  }

  rule() {
    this.ensure(12);
    this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: A4.width - MARGIN, y: this.y }, thickness: 0.5, color: rgb(0.6, 0.6, 0.6) });
    this.y -= 12;
  }

  footers(left: string, right: (n: number, total: number) => string) {
    const size = 8;
    this.pages.forEach((page, i) => {
      const colour = rgb(0.4, 0.4, 0.4);
      page.drawText(printable(left, this.footerFont), { x: MARGIN, y: MARGIN - 20, size, font: this.footerFont, color: colour });
      const r = printable(right(i + 1, this.pages.length), this.footerFont);
      page.drawText(r, { x: A4.width - MARGIN - this.footerFont.widthOfTextAtSize(r, size), y: MARGIN - 20, size, font: this.footerFont, color: colour });
    });
  }
}

/** Words onto lines no wider than `width`; a word longer than a line is cut. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (font.widthOfTextAtSize(candidate, size) <= width) {
      current = candidate;
      continue;
    }
    if (current !== '') lines.push(current);
    let rest = word;
    while (font.widthOfTextAtSize(rest, size) > width) {
      let cut = rest.length - 1;
      while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut--;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    current = rest;
  }
  if (current !== '') lines.push(current);
  return lines.length > 0 ? lines : [''];
}

const encodable = new WeakMap<PDFFont, Map<string, boolean>>();

/** The text with every character the font cannot encode (outside WinAnsi) replaced by "?". */
function printable(text: string, font: PDFFont): string {
  let cache = encodable.get(font);
  if (cache === undefined) encodable.set(font, (cache = new Map()));
  let out = '';
  for (const ch of text.normalize('NFC')) {
    let ok = cache.get(ch);
    if (ok === undefined) {
      try {
        font.encodeText(ch);
        ok = true;
      } catch {
        ok = false;
      }
      cache.set(ch, ok);
    }
    out += ok ? ch : '?';
  }
  return out;
}
