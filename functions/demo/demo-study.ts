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

/**
 * The demo of a trial run from the first click: a public join link (eligibility screener,
 * email verification), e-consent in English and French, Pocock–Simon minimisation by centre to
 * the course or the wait-list, then the baseline. Healthy controls are enrolled by staff.
 */
export const selfEnrolStudy: Study = {
  ...demoStudy,
  id: 'demo-rct',
  name: 'Mindfulness for chronic pain: randomised, self-enrolment (demo)',
  sender: { name: 'MBPM trial (demo)', email: 'study@example.org' },
  allocation: {
    method: 'minimisation',
    arms: { mbpm: 1, waitlist: 1 },
    strata: ['centre'],
    levels: { centre: ['lyon', 'paris'] },
    probability: 0.8,
  },
  consent: {
    version: '1',
    text: {
      en: [
        '# Information and consent',
        '',
        'You are invited to take part in a study comparing an **8-week mindfulness course** for chronic pain with a **wait-list** (the course after the study).',
        '',
        '## What taking part involves',
        '',
        '- A computer decides at random which group you join: you have an equal chance of either.',
        '- You answer short questionnaires about pain, mood and anxiety now and again after 8 weeks (about 10 minutes each time).',
        '',
        '## Your rights',
        '',
        '- Taking part is voluntary. You may withdraw at any time, without giving a reason, from the link in any of our emails.',
        '- Your answers are stored under a code, apart from your email address, and used only for this research.',
        '',
        'This is a demonstration study: nothing you enter here is used for research.',
      ].join('\n'),
      fr: [
        '# Information et consentement',
        '',
        'Vous êtes invité·e à participer à une étude comparant un **programme de pleine conscience de 8 semaines** contre la douleur chronique à une **liste d’attente** (le programme après l’étude).',
        '',
        '## Ce que la participation implique',
        '',
        '- Un ordinateur décide au hasard de votre groupe : vous avez autant de chances d’être dans l’un que dans l’autre.',
        '- Vous répondez à de courts questionnaires sur la douleur, l’humeur et l’anxiété maintenant puis après 8 semaines (environ 10 minutes à chaque fois).',
        '',
        '## Vos droits',
        '',
        '- La participation est volontaire. Vous pouvez vous retirer à tout moment, sans vous justifier, depuis le lien de n’importe lequel de nos messages.',
        '- Vos réponses sont conservées sous un code, séparément de votre adresse e-mail, et utilisées uniquement pour cette recherche.',
        '',
        'Ceci est une étude de démonstration : rien de ce que vous saisissez ici n’est utilisé pour la recherche.',
      ].join('\n'),
    },
  },
  join: {
    enabled: true,
    screener: {
      elements: [
        { type: 'boolean', renderAs: 'radio', name: 'adult', title: { default: 'Are you 18 or older?', fr: 'Avez-vous 18 ans ou plus ?' }, isRequired: true },
        { type: 'boolean', renderAs: 'radio', name: 'chronic_pain', title: { default: 'Have you had pain on most days for three months or more?', fr: 'Avez-vous eu mal presque tous les jours depuis au moins trois mois ?' }, isRequired: true },
        {
          type: 'radiogroup',
          name: 'centre',
          title: { default: 'Which centre could you attend?', fr: 'Quel centre pourriez-vous fréquenter ?' },
          choices: [
            { value: 'lyon', text: 'Lyon' },
            { value: 'paris', text: 'Paris' },
          ],
          isRequired: true,
        },
      ],
    },
    eligibility: '{adult} = true and {chronic_pain} = true',
    strata: { centre: 'centre' },
  },
};

export const demoStudies: Study[] = [demoStudy, aygunStudy, selfEnrolStudy];

export const demoStaff: StaffMember[] = [
  { email: 'coordinator@example.org', name: 'Demo coordinator', role: 'coordinator', studies: ['demo', 'aygun2024', 'demo-rct'] },
  { email: 'analyst@example.org', name: 'Demo analyst', role: 'analyst', studies: ['demo', 'aygun2024', 'demo-rct'] },
  { email: 'admin@example.org', name: 'Demo admin', role: 'admin', studies: [] },
];
