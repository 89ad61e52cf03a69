import type { StaffMember } from '../core/auth/staff';
import type { Study } from '../core/study/study';

/**
 * The instruments whose wording ships: pain (PEG-3), mood (PHQ-9, GAD-7). MAIA-2 and WHO-5 belong
 * here once their wording ships; it could not be checked against the rights holders' own
 * publications (see their READMEs), and a licensee-file instrument would make every demo
 * participant's page say "not ready". Fear-avoidance needs a licensed instrument (README,
 * "Adding a licensed instrument").
 */
const openBattery = [
  { id: 'phq9', version: '1.0' },
  { id: 'gad7', version: '1.0' },
  { id: 'peg3', version: '1.0' },
];

/**
 * The demo study `npm start` creates on first run, modelled on the motivating trial
 * (Aygün et al. 2024): an 8-week Mindfulness-Based Pain Management course against a wait-list,
 * plus healthy controls who are measured at baseline only.
 */
export const demoStudy: Study = {
  missingRules: {},
  emails: {},
  support: {},
  id: 'demo',
  name: 'Mindfulness-Based Pain Management (demo)',
  timezone: 'Europe/London',
  arms: [
    { id: 'mbpm', label: 'Mindfulness-Based Pain Management course' },
    { id: 'waitlist', label: 'Wait-list control' },
    { id: 'healthy', label: 'Healthy control' },
  ],
  sender: { name: 'Timepoint demo study', email: 'study@example.org' },
  contacts: [{ name: 'Demo study coordinator', email: 'coordinator@example.org', safety: true }],
  protocol: {
    version: 1,
    timepoints: [
      {
        id: 'baseline',
        label: 'Baseline',
        anchor: 'enrollment',
        offsetDays: 0,
        sendAt: '09:00',
        window: { opensDaysBefore: 0, closesDaysAfter: 7 },
        reminders: [2, 5],
        instruments: openBattery,
        arms: ['mbpm', 'waitlist', 'healthy'],
      },
      {
        id: 'week8',
        label: 'Week 8',
        anchor: 'enrollment',
        offsetDays: 56,
        sendAt: '09:00',
        window: { opensDaysBefore: 3, closesDaysAfter: 7 },
        reminders: [2, 5],
        instruments: openBattery,
        arms: ['mbpm', 'waitlist'],
      },
    ],
  },
};

/**
 * The motivating trial's battery, in the paper's order (§2.6.1–2.6.7). The paper's heading says
 * "Multidimensional Assessment of Interoceptive Awareness (MAIA)" [ref 69] without a version; the
 * reference list could not be read, so MAIA v1 (the form the heading names) is pinned.
 */
const trialBattery = [
  { id: 'promis29', version: '2.0' },
  { id: 'sfmpq', version: '1.0' },
  { id: 'pam13', version: '1.0' },
  { id: 'pcs', version: '1.0' },
  { id: 'bdi2', version: '1.0' },
  { id: 'maia1', version: '1.0' },
  { id: 'ffmq39', version: '1.0' },
];

/**
 * Aygün et al. 2024 (Life 14(2):253) as run: 8-week MBPM against wait-list, plus healthy controls
 * measured at baseline only. The paper names "MAIA" and "FFMQ" without a form: this study pins
 * MAIA v1 and FFMQ-39 (swap in `maia2` / `ffmq15` in the protocol if the authors used those).
 * Every instrument here is licensed or unverified for redistribution, so the forms say the
 * licensed text is not installed until a licensee loads it; PAM-13 also needs its scoring plug-in.
 */
export const aygunStudy: Study = {
  ...demoStudy,
  id: 'aygun2024',
  name: 'Oxytocin and Mindfulness-Based Pain Management (Aygün et al. 2024)',
  sender: { name: 'MBPM study team', email: 'study@example.org' },
  protocol: {
    version: 1,
    timepoints: demoStudy.protocol.timepoints.map((t) => ({ ...t, instruments: trialBattery })),
  },
};

export const demoStudies: Study[] = [demoStudy, aygunStudy];

export const demoStaff: StaffMember[] = [
  { email: 'coordinator@example.org', name: 'Demo coordinator', role: 'coordinator', studies: ['demo', 'aygun2024'] },
  { email: 'analyst@example.org', name: 'Demo analyst', role: 'analyst', studies: ['demo', 'aygun2024'] },
  { email: 'admin@example.org', name: 'Demo admin', role: 'admin', studies: [] },
];
