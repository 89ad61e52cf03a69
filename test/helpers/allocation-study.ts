import type { AllocationConfig } from '../../functions/core/allocation/allocation-config';
import type { Study } from '../../functions/core/study/study';
import { demoStudy } from '../../functions/demo/demo-study';

/** The demo study with concealed allocation to its two randomised arms; healthy controls stay chosen by hand. */
export const allocatingStudy = (allocation: Partial<AllocationConfig> = {}, id = 'rct'): Study => ({
  ...demoStudy,
  id,
  name: 'Randomised (tests)',
  allocation: {
    method: 'blocked',
    arms: { mbpm: 1, waitlist: 1 },
    blockSizes: [2, 4],
    strata: ['site', 'sex'],
    levels: { site: ['lyon', 'paris'], sex: ['f', 'm'] },
    ...allocation,
  } as AllocationConfig,
});

/** A self-enrolment screener: chronic pain for 3 months, adult, and the site (an allocation factor). */
export const screener = {
  elements: [
    { type: 'boolean', name: 'chronic_pain', title: 'Have you had pain on most days for three months or more?', isRequired: true },
    { type: 'text', inputType: 'number', name: 'age', title: 'How old are you?', isRequired: true, min: 0, max: 120 },
    { type: 'radiogroup', name: 'site', title: 'Which centre is nearer to you?', choices: [{ value: 'lyon', text: 'Lyon' }, { value: 'paris', text: 'Paris' }], isRequired: true },
  ],
};

export const consentText = '# Taking part\n\nYou are invited to an **8-week study** of pain.\n\n- Taking part is voluntary.\n- You may withdraw at any time.\n';

/** A study with the public join link open: screener, consent, minimisation by site. */
export const joinStudy = (id = 'open-rct'): Study => ({
  ...allocatingStudy({ method: 'minimisation', blockSizes: undefined, strata: ['site'], levels: { site: ['lyon', 'paris'] } }, id),
  consent: { version: '1', text: { en: consentText } },
  join: { enabled: true, screener, eligibility: '{chronic_pain} = true and {age} >= 18', strata: { site: 'site' } },
});
