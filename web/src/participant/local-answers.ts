import type { Answers } from './link-api';

/** What this device still has to send for one link: answers the server has not confirmed, and whether submit was pressed. */
export interface Unsent {
  answers: Answers;
  submit: boolean;
}

export interface LocalAnswers {
  read(): Unsent;
  write(unsent: Unsent): void;
  clear(): void;
}

const empty = (): Unsent => ({ answers: {}, submit: false });

/**
 * localStorage for one link, under a SHA-256 of the token: the storage (readable by anyone who
 * opens the browser's tools) never holds the token itself, which would open the questionnaires.
 * Without SubtleCrypto (a page served over plain http from a non-local host) nothing is kept.
 */
export async function localAnswersFor(token: string): Promise<LocalAnswers | null> {
  let storage: Storage;
  try {
    storage = window.localStorage;
    if (!crypto.subtle) return null;
  } catch {
    // Storage refused (private mode in some browsers, or blocked by settings).
    return null;
  }
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  const key = `timepoint:unsent:${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  return {
    read() {
      try {
        const parsed = JSON.parse(storage.getItem(key) ?? 'null') as Partial<Unsent> | null;
        return parsed && typeof parsed.answers === 'object' && parsed.answers !== null
          ? { answers: parsed.answers, submit: parsed.submit === true }
          : empty();
      } catch {
        return empty();
      }
    },
    write(unsent) {
      try {
        if (Object.keys(unsent.answers).length === 0 && !unsent.submit) storage.removeItem(key);
        else storage.setItem(key, JSON.stringify(unsent));
      } catch {
        // Quota or storage disabled: the answers stay in memory and are still sent when possible.
      }
    },
    clear() {
      try {
        storage.removeItem(key);
      } catch {
        // Nothing to clear.
      }
    },
  };
}
