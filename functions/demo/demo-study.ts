import type { StaffMember } from '../core/auth/staff';
import type { Study } from '../core/study/study';

/**
 * The demo study `npm start` creates on first run, modelled on the motivating trial
 * (Aygün et al. 2024): an 8-week Mindfulness-Based Pain Management course against a wait-list,
 * plus healthy controls who are measured at baseline only.
 */
export const demoStudy: Study = {
  missingRules: {},
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
        instruments: [
          { id: 'phq9', version: '1.0' },
          { id: 'peg3', version: '1.0' },
        ],
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
        instruments: [
          { id: 'phq9', version: '1.0' },
          { id: 'peg3', version: '1.0' },
        ],
        arms: ['mbpm', 'waitlist'],
      },
    ],
  },
};

export const demoStaff: StaffMember[] = [
  { email: 'coordinator@example.org', name: 'Demo coordinator', role: 'coordinator', studies: ['demo'] },
  { email: 'analyst@example.org', name: 'Demo analyst', role: 'analyst', studies: ['demo'] },
  { email: 'admin@example.org', name: 'Demo admin', role: 'admin', studies: [] },
];
