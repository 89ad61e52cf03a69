/** One append-only record of a state change: who did what to which record, and when. */
export interface AuditEntry {
  id: string;
  /** `study:<id>` for study data, `staff` for sign-ins and accounts. */
  scope: string;
  at: string;
  /** `staff:<email>`, `participant:<code>` or `system:<component>`. */
  actor: string;
  action: string;
  target: string;
  before?: unknown;
  after?: unknown;
}
