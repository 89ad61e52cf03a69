import type { Language } from '../i18n/language';
import type { CatalogueInstrument } from '../ports';
import { constructs, type Construct } from './constructs';
import { wordingLanguages } from './wording-languages';

/** One instrument as the catalogue presents it (CLI `npx timepoint instruments`, `GET /api/instruments`). */
export interface CatalogueEntry {
  id: string;
  version: string;
  name: string;
  constructs: Construct[];
  /** The licence category, and the licence's own name where it has one (`CC BY-NC-SA 3.0 IGO`). */
  licence: { category: string; name: string | null; holder: string };
  /** A non-commercial licence: a commercial deployment must replace the instrument or get the holder's permission. */
  nonCommercial: boolean;
  /** `shipped` when the wording is in this repository, else `licensee file`. */
  wording: 'shipped' | 'licensee file';
  /** The languages the shipped wording is in (none for a licensee file, whose wording is not ours). */
  languages: Language[];
}

export function catalogueEntry({ id, version, scoring, survey }: CatalogueInstrument): CatalogueEntry {
  const shipped = scoring.licence.textIncluded;
  return {
    id,
    version,
    name: scoring.name,
    constructs: scoring.constructs,
    licence: { category: scoring.licence.category, name: scoring.licence.name ?? null, holder: scoring.licence.holder },
    nonCommercial: scoring.licence.category === 'CC-NC',
    wording: shipped ? 'shipped' : 'licensee file',
    languages: shipped ? wordingLanguages(survey) : [],
  };
}

/** Per construct, in the design's order: the instruments whose wording ships and those that need a licensee file. */
export function byConstruct(entries: CatalogueEntry[]): Array<{ construct: Construct; shipped: string[]; licenseeFile: string[] }> {
  return constructs.map((construct) => {
    const of = entries.filter((e) => e.constructs.includes(construct));
    return {
      construct,
      shipped: of.filter((e) => e.wording === 'shipped').map((e) => e.id),
      licenseeFile: of.filter((e) => e.wording === 'licensee file').map((e) => e.id),
    };
  });
}
