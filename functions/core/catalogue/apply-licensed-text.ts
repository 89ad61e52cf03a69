import type { LicensedText } from './licensed-text';

// Apart from the wording file's schema (licensed-text.ts), so that showing a form with a licensee's
// wording, which every link opening does, loads no zod (bench/README.md#cold-start).

type Element = Record<string, unknown> & { name?: string; elements?: Element[]; choices?: Array<{ value: unknown; text?: unknown }> };

/** The form with the licensee's wording put in place of item ids and bare codes. Pure: the input is not changed. */
export function applyLicensedText(survey: Record<string, unknown>, text: LicensedText): Record<string, unknown> {
  const rewrite = (element: Element): Element => {
    const wording = element.name === undefined ? undefined : text.items[element.name];
    const children = element.elements ? { elements: element.elements.map(rewrite) } : {};
    if (wording === undefined) return { ...element, ...children };
    return {
      ...element,
      ...children,
      title: wording.title,
      ...(wording.description ? { description: wording.description } : {}),
      ...(wording.minRateDescription ? { minRateDescription: wording.minRateDescription } : {}),
      ...(wording.maxRateDescription ? { maxRateDescription: wording.maxRateDescription } : {}),
      ...(element.choices && wording.choices
        ? { choices: element.choices.map((c) => ({ ...c, text: wording.choices?.[String(c.value)] ?? c.text })) }
        : {}),
    };
  };
  const pages = (survey.pages as Element[] | undefined) ?? [];
  return {
    ...survey,
    ...(text.title ? { title: text.title } : {}),
    ...(text.description ? { description: text.description } : {}),
    pages: pages.map(rewrite),
  };
}
