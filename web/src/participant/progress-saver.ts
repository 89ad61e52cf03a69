import type { LocalAnswers } from './local-answers';
import { linkHeaders, saveAnswers, submitAnswers, type Answers, type LinkResult } from './link-api';

/** What the questionnaire form needs of whatever keeps its answers (the link's saver, or a preview's). */
export type FormSaver = Pick<ProgressSaver, 'answers' | 'change' | 'flushNow' | 'submit'>;

/** What the status line says about the answers on this device. */
export type SaveStatus = 'idle' | 'saving' | 'saved' | 'offline' | 'retrying';

export type SubmitOutcome =
  /** Stored. `support`: what to tell a participant whose answers raised an urgent flag (who to call). */
  | { kind: 'sent'; support?: { text: string } }
  /** Not sent yet (offline, or the server is unreachable): kept on this device and retried. */
  | { kind: 'queued' }
  /** The server refused some answers: shown next to their questions. */
  | { kind: 'invalid'; details: Array<{ field: string; message: string }> }
  /** The link can no longer take answers (completed elsewhere, closed, withdrawn): reload its state. */
  | { kind: 'closed'; status: number };

export interface SaverEvents {
  onStatus(status: SaveStatus): void;
  /** A save found the link closed (e.g. completed on another device, or expired meanwhile). */
  onClosed(status: number): void;
  /** A submit that had been queued (offline) has now been sent, or was refused. */
  onQueuedSubmit(outcome: SubmitOutcome): void;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const closedStatuses = new Set([404, 409, 410]);

/**
 * Keeps the server in step with the form: changes are saved after a pause in typing (or at once
 * on a page change), only the items the server has not confirmed are sent, and everything
 * unconfirmed is also kept on this device, so a closed tab, a dead connection or a reload loses
 * nothing. Failed sends are retried with backoff, and at once when the browser comes back online.
 * One request at a time: saves and the final submit never overtake each other.
 */
export class ProgressSaver {
  private confirmed: Answers;
  private latest: Answers;
  private submitQueued: boolean;
  private status: SaveStatus = 'idle';
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private busy = false;
  private again = false;
  private finished = false;
  private submitWaiter: ((outcome: SubmitOutcome) => void) | undefined;

  constructor(
    private readonly token: string,
    private readonly store: LocalAnswers | null,
    serverAnswers: Answers,
    private readonly events: SaverEvents,
    private readonly debounceMs = 700,
  ) {
    const unsent = store?.read() ?? { answers: {}, submit: false };
    this.confirmed = { ...serverAnswers };
    // Answers made on this device and never confirmed are newer than the server's copy.
    this.latest = { ...serverAnswers, ...unsent.answers };
    this.submitQueued = unsent.submit;
    window.addEventListener('online', this.wake);
    window.addEventListener('offline', this.wentOffline);
    window.addEventListener('pagehide', this.lastChance);
  }

  /** The answers to show: the server's, overlaid with any this device has not sent yet. */
  get answers(): Answers {
    return { ...this.latest };
  }

  /** True when submit was pressed on this device but has not reached the server. */
  get hasQueuedSubmit(): boolean {
    return this.submitQueued;
  }

  get hasUnsent(): boolean {
    return Object.keys(this.unsent()).length > 0;
  }

  dispose(): void {
    this.finished = true;
    clearTimeout(this.debounce);
    clearTimeout(this.retry);
    window.removeEventListener('online', this.wake);
    window.removeEventListener('offline', this.wentOffline);
    window.removeEventListener('pagehide', this.lastChance);
  }

  /** The form's answers changed: keep them here at once, send them after a short pause. */
  change(answers: Answers): void {
    if (this.finished || this.submitQueued) return;
    this.latest = { ...answers };
    this.persist();
    // "Saved" must only ever mean saved: say so the moment something is not.
    if (this.hasUnsent) this.setStatus(navigator.onLine ? 'saving' : 'offline');
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.flush(), this.debounceMs);
  }

  /** Send now (the participant moved to another page). */
  flushNow(): void {
    clearTimeout(this.debounce);
    void this.flush();
  }

  /** Final answers: sent now if possible, else kept and sent when the connection returns. */
  submit(answers: Answers): Promise<SubmitOutcome> {
    clearTimeout(this.debounce);
    this.latest = { ...answers };
    this.submitQueued = true;
    this.persist();
    return new Promise((resolve) => {
      this.submitWaiter = resolve;
      this.attempt = 0;
      void this.flush();
    });
  }

  /** Resumes a submit pressed earlier on this device (e.g. offline, then the tab was closed). */
  resumeQueuedSubmit(): void {
    if (this.submitQueued) void this.flush();
  }

  private unsent(): Answers {
    return Object.fromEntries(Object.entries(this.latest).filter(([item, value]) => !same(this.confirmed[item], value)));
  }

  private persist(): void {
    this.store?.write({ answers: this.unsent(), submit: this.submitQueued });
  }

  private setStatus(status: SaveStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.events.onStatus(status);
  }

  private readonly wake = () => {
    this.attempt = 0;
    clearTimeout(this.retry);
    void this.flush();
  };

  private readonly wentOffline = () => {
    if (this.hasUnsent || this.submitQueued) this.setStatus('offline');
  };

  /** The tab is closing with unsent answers: one last try that outlives the page (they stay stored either way). */
  private readonly lastChance = () => {
    const unsent = this.unsent();
    if (this.finished || this.submitQueued || Object.keys(unsent).length === 0 || !navigator.onLine) return;
    void fetch('/api/p/answers', {
      method: 'PUT',
      headers: linkHeaders(this.token, true),
      body: JSON.stringify({ answers: unsent }),
      keepalive: true,
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    }).catch(() => undefined);
  };

  private async flush(): Promise<void> {
    if (this.finished) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.again = false;
        await (this.submitQueued ? this.sendSubmit() : this.sendProgress());
      } while (this.again && !this.finished);
    } finally {
      this.busy = false;
    }
  }

  private async sendProgress(): Promise<void> {
    const unsent = this.unsent();
    if (Object.keys(unsent).length === 0) {
      if (this.status !== 'idle') this.setStatus('saved');
      return;
    }
    if (!navigator.onLine) return this.setStatus('offline');
    this.setStatus('saving');
    const result = await saveAnswers(this.token, unsent);
    if (this.finished) return;
    if (result.kind === 'ok' || (result.kind === 'http' && result.status === 400)) {
      // A refused answer (400) cannot become acceptable by resending it: the final submit
      // checks every answer again and shows the problem next to its question.
      Object.assign(this.confirmed, unsent);
      this.attempt = 0;
      this.persist();
      if (this.hasUnsent) this.again = true;
      else this.setStatus('saved');
      return;
    }
    this.failed(result);
  }

  private async sendSubmit(): Promise<void> {
    if (!navigator.onLine) {
      this.setStatus('offline');
      return this.settle({ kind: 'queued' });
    }
    this.setStatus('saving');
    const result = await submitAnswers(this.token, this.latest);
    if (this.finished) return;
    if (result.kind === 'ok') {
      this.finish();
      this.setStatus('saved');
      const support = result.value.support;
      return this.settle(support ? { kind: 'sent', support } : { kind: 'sent' });
    }
    if (result.kind === 'http' && result.status === 400) {
      this.submitQueued = false;
      this.persist();
      this.setStatus('idle');
      return this.settle({ kind: 'invalid', details: result.details });
    }
    if (result.kind === 'http' && closedStatuses.has(result.status)) {
      this.finish();
      return this.settle({ kind: 'closed', status: result.status });
    }
    this.failed(result);
    this.settle({ kind: 'queued' });
  }

  /** Hands a submit's outcome to whoever is waiting: the form that pressed submit, or the page (a queued submit). */
  private settle(outcome: SubmitOutcome): void {
    const waiter = this.submitWaiter;
    this.submitWaiter = undefined;
    if (waiter) waiter(outcome);
    else if (outcome.kind !== 'queued') this.events.onQueuedSubmit(outcome);
  }

  private finish(): void {
    this.store?.clear();
    this.dispose();
  }

  private failed(result: Exclude<LinkResult<unknown>, { kind: 'ok' }>): void {
    if (result.kind === 'http' && closedStatuses.has(result.status)) {
      this.finish();
      this.events.onClosed(result.status);
      return;
    }
    if (result.kind === 'offline' && !navigator.onLine) {
      // The `online` event will wake us.
      this.setStatus('offline');
      return;
    }
    this.setStatus('retrying');
    const serverWait = result.kind === 'http' && result.retryAfterSeconds ? result.retryAfterSeconds * 1000 : 0;
    const backoff = Math.min(30_000, 1000 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt++;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.flush(), Math.max(serverWait, backoff));
  }
}
