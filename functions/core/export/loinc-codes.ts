/**
 * LOINC codes for Timepoint scales, keyed `<instrument>.<scale>`: the one place the FHIR export
 * takes them from. Only codes checked against a published source are listed, each with it;
 * a scale without an entry is coded with the Timepoint code system only.
 *
 * Deliberately absent:
 * - PROMIS-29 v2.0 domains. LOINC's "PROMIS-29 … score T-score" series (71955-9 … 71967-4, e.g.
 *   71959-1 Physical function, valid range 22.9–56.9) belongs to PROMIS-29 v1.0 (its social
 *   domain is the v1.0 "satisfaction with participation"; the PF range is the v1.0 table, not the
 *   v2.0 table this repository scores with; see /work/shared/reference/instruments-verification.md).
 *   No v2.0 domain T-score code could be confirmed, and 61758-9 … 61764-7, which one FHIR guide
 *   lists as PROMIS-29 domain codes, are PROMIS item codes (61758-9 is "In the past 7 days - How
 *   much did pain interfere with your day to day activities?").
 */
export const loincCodes: Record<string, { code: string; display: string }> = {
  // https://cdn.loinc.org/44261-6 (Regenstrief LOINC; class SURVEY.PHQ, example unit {score}).
  'phq9.total': { code: '44261-6', display: 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]' },
  // https://build.fhir.org/ig/medizininformatik-initiative/kerndatensatzmodul-proms/branches/v2026.7.0/en/ObservationDefinition-mii-obsdef-pro-score-gad-7.json
  // (code http://loinc.org 70274-6 with this display), agreeing with healthassure.in/codes/loinc-70274-6-….
  'gad7.total': { code: '70274-6', display: 'Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]' },
  // https://www.healthassure.in/codes/loinc-91147-9-mean-score-peg ("the PEG score is the average of the 3 individual
  // item scores"), agreeing with AHRQ CDS Connect's pain-management terminology ("Mean score [PEG]": '91147-9' from
  // http://loinc.org). Our `peg` scale is that mean.
  'peg3.peg': { code: '91147-9', display: 'Mean score [PEG]' },
};
