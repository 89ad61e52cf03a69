import type { LicensedText } from '../../functions/core/catalogue/licensed-text';
import type { ScoringDefinition } from '../../functions/core/scoring/definition';

/** Stand-in wording a licensee would supply (tests only: clearly not the real text). */
export function fakeLicensedText(definition: ScoringDefinition): LicensedText {
  return {
    instrument: definition.id,
    version: definition.version,
    title: `${definition.name} (licensed wording)`,
    items: Object.fromEntries(
      definition.items.map((item) => [
        item.id,
        {
          title: `Licensed question ${item.id}`,
          ...(item.codes ? { choices: Object.fromEntries(item.codes.map((c) => [String(c), `Licensed option ${c}`])) } : {}),
        },
      ]),
    ),
  };
}

/** A complete response: the first real (non-missing) code of every item. */
export function completeAnswers(definitions: ScoringDefinition[]): Record<string, number> {
  return Object.fromEntries(
    definitions.flatMap((d) => d.items.map((i) => [i.id, i.codes ? i.codes.find((c) => !i.missingCodes.includes(c))! : i.range!.min])),
  );
}
