import type { SaveStatus } from './progress-saver';
import type { PageStrings } from './strings';

/**
 * Where the answers are, in words, announced politely (never interrupting a question being read).
 * The region is always in the page, so assistive technology is listening before its text changes.
 */
export function SaveStatusLine({ status, strings }: { status: SaveStatus; strings: PageStrings }) {
  const text = status === 'idle' ? strings.savedHint : strings.status[status];
  const tone = status === 'offline' || status === 'retrying' ? 'warn' : status === 'saved' ? 'ok' : 'quiet';
  return (
    <p className={`save-status save-status-${tone}`} role="status" aria-live="polite" data-status={status}>
      {text}
    </p>
  );
}
