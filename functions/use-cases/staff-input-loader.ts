/**
 * Imports the staff API's request schemas (staff-input.ts, and zod with them) on first use: the
 * route declarations name their schemas through it, so declaring a route builds none.
 */
export const staffInput = () => import('./staff-input');
