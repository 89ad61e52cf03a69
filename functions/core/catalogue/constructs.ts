/**
 * The constructs Timepoint delivers questionnaires for (design.md: pain perception,
 * fear-avoidance, mindfulness and interoception, mood, well-being), plus patient activation for
 * the motivating trial's PAM-13. Each instrument names the constructs it measures in its
 * scoring definition, so the catalogue can list, per construct, what ships and what needs a
 * licensee's wording.
 */
export const constructs = ['pain', 'fear_avoidance', 'mindfulness_interoception', 'mood', 'well_being', 'activation'] as const;
export type Construct = (typeof constructs)[number];

export const constructLabels: Record<Construct, string> = {
  pain: 'Pain perception',
  fear_avoidance: 'Fear-avoidance',
  mindfulness_interoception: 'Mindfulness / interoception',
  mood: 'Mood',
  well_being: 'Well-being',
  activation: 'Patient activation',
};
