const tone: Record<string, string> = {
  active: 'info',
  open: 'info',
  started: 'info',
  scheduled: 'neutral',
  planned: 'neutral',
  claimed: 'neutral',
  completed: 'ok',
  delivered: 'ok',
  sent: 'ok',
  expired: 'warn',
  skipped: 'warn',
  cancelled: 'neutral',
  withdrawn: 'neutral',
  bounced: 'bad',
  complained: 'bad',
  failed: 'bad',
  unacknowledged: 'bad',
};

/** A state name in a pill; the word carries the meaning, the colour only repeats it. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${tone[status] ?? 'neutral'}`}>{status.replaceAll('_', ' ')}</span>;
}
