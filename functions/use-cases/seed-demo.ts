import { demoStaff, demoStudy } from '../demo/demo-study';
import { createStudyIfAbsent } from './create-study';
import type { Deps } from './deps';

/** Creates the demo study and its staff accounts on first start; later starts change nothing. */
export async function seedDemo(deps: Pick<Deps, 'studies' | 'staff' | 'catalogue'>): Promise<{ created: boolean }> {
  const created = await createStudyIfAbsent(deps, demoStudy);
  for (const member of demoStaff) {
    if ((await deps.staff.get(member.email)) === null) await deps.staff.put(member);
  }
  return { created };
}
