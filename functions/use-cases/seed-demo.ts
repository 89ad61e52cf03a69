import { demoStaff, demoStudies } from '../demo/demo-study';
import { createStudyIfAbsent } from './create-study';
import type { Deps } from './deps';

/**
 * Creates the demo studies and their staff accounts on first start; later starts change nothing.
 * (The `demo` study's synthetic history is written separately: seed-synthetic-demo.ts.)
 */
export async function seedDemo(deps: Pick<Deps, 'studies' | 'staff' | 'catalogue' | 'consents' | 'clock'>): Promise<{ created: string[] }> {
  const created: string[] = [];
  for (const study of demoStudies) if (await createStudyIfAbsent(deps, study)) created.push(study.id);
  for (const member of demoStaff) {
    // Only where there never was one: an account an admin changed or removed stays as they left it.
    await deps.staff.create(member, undefined, { reviveRemoved: false });
  }
  return { created };
}
