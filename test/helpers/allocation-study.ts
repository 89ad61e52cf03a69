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
