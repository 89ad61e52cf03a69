import type { ItemDefinition } from './definition';

/**
 * Printed codes are what a paper form shows for an answer where that is not the stored number
 * (BDI-II items 16 and 18: 0, 1a, 1b, 2a, 2b, 3a, 3b, stored 0–6; PAM-13: N/A, stored 5). They
 * are data in the scoring definition (`printedCodes`); these helpers translate at the edges —
 * data entry from paper and the item-level exports — while the engine only sees stored codes.
 */

/** The code the paper form prints for a stored code: the printed label, or the number itself. */
export function printedCodeOf(item: ItemDefinition, stored: number): string | number {
  if (item.printedCodes === undefined) return stored;
  for (const [printed, code] of Object.entries(item.printedCodes)) if (code === stored) return printed;
  return stored;
}

/** Every printed code of an item in the order of its stored codes, or undefined when it has none. */
export function printedCodesOf(item: ItemDefinition): string[] | undefined {
  if (item.printedCodes === undefined || item.codes === undefined) return undefined;
  return item.codes.map((code) => String(printedCodeOf(item, code)));
}

/** Stored code → printed code, or undefined for an item that prints its stored numbers. */
export function printedCodeMap(item: ItemDefinition): Record<string, string> | undefined {
  if (item.printedCodes === undefined) return undefined;
  return Object.fromEntries(Object.entries(item.printedCodes).map(([printed, stored]) => [String(stored), printed]));
}

export type PrintedCodeResult = { stored: number } | { problem: string };

/**
 * The stored code of a printed code as given in data entered from paper. Matching ignores case
 * and surrounding spaces ("1B", " n/a "). A bare digit that is not itself a printed code is
 * refused, never guessed: "2" on BDI-II item 16 could be 2a or 2b, which score alike but are
 * different answers, and the stored code 2 would mean 1b.
 */
export function storedCodeOfPrinted(item: ItemDefinition, given: string | number): PrintedCodeResult {
  const printed = item.printedCodes!;
  const wanted = String(given).trim().toLowerCase();
  for (const [label, stored] of Object.entries(printed)) if (label.toLowerCase() === wanted) return { stored };
  return { problem: `"${String(given).slice(0, 20)}" is not a code printed on the form (printed: ${printedCodesOf(item)!.join(', ')})` };
}
