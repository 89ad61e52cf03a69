/**
 * One sample of bench/participant-page.ts: a fresh Chromium context (mobile viewport, empty
 * cache, cache disabled, CPU throttled), one navigation, and the time until the first question
 * answers a tap; plus every script (and stylesheet) the page loaded, with its bytes.
 *
 * "First question interactive" is defined by SurveyJS's DOM and ARIA semantics, never by a page's
 * own class names, so it measures Timepoint's page and the floor identically and survives a
 * rewrite of the page:
 *
 * - The first question is the element SurveyJS renders with `data-name="<name>"` for the first
 *   answerable question of the battery's first page (fallback, reported: the first `[data-name]`
 *   element holding a form control). Its first control is the first `input` (not hidden),
 *   `select`, `textarea` or element with an input ARIA role (radio, checkbox, combobox, …).
 * - READY: the first animation frame in which that control is connected, not disabled or
 *   read-only, not inside `[inert]`, `[aria-disabled=true]` or `[aria-hidden=true]`, its tap
 *   target (its `<label>`, since SurveyJS hides native radios visually, else itself) has a
 *   non-empty box and passes `checkVisibility` (visibility and opacity), and it is visually
 *   stable: the same element with the same box as in the previous frame (SurveyJS adjusts its
 *   layout right after mounting; a participant cannot hit a moving answer either).
 * - INTERACTIVE: at READY the page tells the harness (a DevTools binding) the tap target's centre;
 *   the harness at once sends a real mouse press and release there (CDP Input events, which wait
 *   in the renderer's input queue while its main thread is busy). INTERACTIVE is the first
 *   animation frame after that in which the control is checked (`checked` or `aria-checked`;
 *   for text-like controls: focused). So it includes any main-thread work still running at READY
 *   (hydration, lazily loaded chunks, effects), the input's queueing, SurveyJS's click handling
 *   and React's re-render: the moment a participant who taps as soon as the answer appears sees
 *   it selected. If the click lands elsewhere (the layout moved between READY and the tap), the
 *   page reports it from its mousedown listener and the harness taps again at once at the target's
 *   new centre; likewise when a press that landed on the answer was released and two frames later
 *   the answer is not checked, i.e. the tap was lost (the question was re-rendered under it). Re-taps are
 *   counted with where they landed; the time keeps running. The question is looked up afresh at
 *   every step, so a re-rendered question is followed. A first answer below the fold at READY is
 *   scrolled into view (instantly) before the tap.
 * - Times are the page's `performance.now()`, i.e. milliseconds from navigation start.
 */
import { createHash } from 'node:crypto';
import { gzipSync, brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import type { Browser, CDPSession } from 'playwright-core';

export interface ResourceBytes {
  count: number;
  /** Bytes on the wire (CDP encodedDataLength: body as sent, plus response headers). */
  wire: number;
  /** Decoded body bytes (what the engine parses). */
  decoded: number;
  /** zlib gzip of the decoded bodies, per response (what a gzipping CDN would send), at levels 6 and 9. */
  gzip6: number;
  gzip9: number;
  brotli: number;
  /** Content-Encoding values seen ('identity' when none). */
  encodings: string[];
}

export interface Sample {
  ok: boolean;
  error?: string;
  readyMs: number;
  interactiveMs: number;
  retaps: number;
  /** Where missed taps landed (element and text), for the report. */
  missedOn: string[];
  firstQuestion: { name: string; fallback: boolean; label: string; inViewport: boolean };
  /** Main-thread long tasks (> 50 ms) that started before INTERACTIVE: count and total blocking (time beyond 50 ms each). */
  longTasks: { count: number; blockingMs: number };
  scripts: { untilInteractive: ResourceBytes; afterQuiet: ResourceBytes };
  stylesheets: { untilInteractive: ResourceBytes };
  scriptUrls: string[];
}

export interface SampleOptions {
  url: string;
  firstQuestion: string;
  throttle: number;
  timeoutMs: number;
  viewport: { width: number; height: number };
  deviceScaleFactor: number;
}

interface ProbeState {
  readyAt: number | null;
  pressAt: number | null;
  pressOnTarget: boolean | null;
  interactiveAt: number | null;
  longTasks: Array<[number, number]>;
  fallback: boolean;
  label: string;
  name: string;
  inViewport: boolean;
}

/**
 * The in-page probe, added with Page.addScriptToEvaluateOnNewDocument (which the page's CSP does not
 * govern, like the tests' axe injection). It only reads the DOM; its listeners are passive.
 */
function probeSource(firstQuestion: string): string {
  return `(() => {
  if (window.top !== window) return;
  const NAME = ${JSON.stringify(firstQuestion)};
  const CONTROL = 'input:not([type=hidden]), select, textarea, [role=radio], [role=checkbox], [role=switch], [role=combobox], [role=slider], [role=spinbutton], [role=textbox], [role=listbox]';
  const state = { readyAt: null, pressAt: null, pressOnTarget: null, interactiveAt: null, longTasks: [], fallback: false, label: '', name: '', inViewport: false };
  Object.defineProperty(window, '__timepointBenchProbe', { value: state });
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) state.longTasks.push([e.startTime, e.duration]); })
      .observe({ type: 'longtask', buffered: true });
  } catch {}
  let found = null;
  const find = () => {
    let root = document.querySelector('[data-name="' + CSS.escape(NAME) + '"]');
    let fallback = false;
    if (!root) {
      for (const r of document.querySelectorAll('[data-name]')) if (r.querySelector(CONTROL)) { root = r; fallback = true; break; }
    }
    const control = root && root.querySelector(CONTROL);
    return control ? { root, control, fallback } : null;
  };
  const targetOf = (control) => (control.labels && control.labels[0]) || control.closest('label') || control;
  const usable = (control) => {
    if (!control.isConnected || control.disabled || control.readOnly) return false;
    if (control.closest('[inert], [aria-disabled="true"], [aria-hidden="true"], fieldset[disabled]')) return false;
    const target = targetOf(control);
    const box = target.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) return false;
    return target.checkVisibility ? target.checkVisibility({ visibilityProperty: true, opacityProperty: true }) : true;
  };
  const responded = (control) =>
    control.checked === true || control.getAttribute('aria-checked') === 'true' ||
    (!/^(radio|checkbox)$/i.test(control.type || '') && !control.matches('[role=radio], [role=checkbox], [role=switch]') && document.activeElement === control);
  // Looked up afresh each time: a page may re-render the question after READY (a new element in the same place).
  const current = () => find() || found;
  const tapPoint = () => {
    const target = targetOf(current().control);
    let box = target.getBoundingClientRect();
    const inViewport = box.top >= 0 && box.bottom <= innerHeight && box.left >= 0 && box.right <= innerWidth;
    if (state.pressAt === null) state.inViewport = inViewport;
    if (!inViewport) { target.scrollIntoView({ block: 'center', behavior: 'instant' }); box = target.getBoundingClientRect(); }
    return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
  };
  const missed = (landed) => window.__timepointBenchMissed(JSON.stringify({ landed, point: tapPoint() }));
  let pressedControl = null;
  let releaseSeen = false;
  let framesSinceRelease = 0;
  let lostReason = '';
  const watchResponse = () => {
    if (state.interactiveAt !== null) return;
    if (state.pressOnTarget) {
      if (responded(current().control)) {
        state.interactiveAt = performance.now();
        window.__timepointBenchDone('');
        return;
      }
      // The press landed on the answer and was released, two frames have been drawn since, and it is not
      // checked: the tap was lost (e.g. the question was replaced between the press and the release, so
      // no click reached it). Tap again. (A click's own update is flushed within its task, so one frame is enough.)
      if (releaseSeen) framesSinceRelease += 1;
      if (framesSinceRelease >= 2) {
        state.pressOnTarget = false;
        releaseSeen = false;
        missed('the answer, but no click checked it (' + lostReason + ')');
      }
    }
    requestAnimationFrame(watchResponse);
  };
  let previous = null;
  const check = () => {
    if (state.readyAt !== null) return;
    const candidate = find();
    if (!candidate || !usable(candidate.control)) { previous = null; return; }
    // Visually stable: the same element at the same place as in the previous animation frame (SurveyJS
    // adjusts its layout right after mounting; a tap on a moving answer would land on the wrong one).
    const box = targetOf(candidate.control).getBoundingClientRect();
    const key = [box.left, box.top, box.width, box.height].map(Math.round).join(',');
    const stable = previous !== null && previous.control === candidate.control && previous.key === key;
    previous = { control: candidate.control, key };
    if (!stable) return;
    state.readyAt = performance.now();
    found = candidate;
    state.fallback = candidate.fallback;
    state.name = candidate.root.getAttribute('data-name') || '';
    state.label = (targetOf(candidate.control).textContent || candidate.control.getAttribute('aria-label') || '').trim().slice(0, 80);
    // mousedown, not click: one per tap, on the element under the pointer (a click on a label is forwarded to its input as a second click).
    document.addEventListener('mousedown', (event) => {
      if (state.pressOnTarget || state.interactiveAt !== null) return;
      state.pressAt = performance.now();
      releaseSeen = false;
      framesSinceRelease = 0;
      const { control } = current();
      pressedControl = control;
      state.pressOnTarget = targetOf(control).contains(event.target) || control.contains(event.target);
      if (!state.pressOnTarget) {
        // Missed (the layout moved since READY): say where it landed and where the answer is now, at once.
        missed(event.target instanceof Element ? event.target.tagName.toLowerCase() + ' "' + (event.target.textContent || '').trim().slice(0, 40) + '"' : String(event.target));
      }
    }, { capture: true, passive: true });
    document.addEventListener('mouseup', () => {
      if (!state.pressOnTarget || state.interactiveAt !== null) return;
      releaseSeen = true;
      framesSinceRelease = 0;
      const now = current().control;
      lostReason = now !== pressedControl ? 'the question was re-rendered between press and release' : now.isConnected ? 'the control did not change' : 'the control left the page';
    }, { capture: true, passive: true });
    window.__timepointBenchReady(JSON.stringify(tapPoint()));
    requestAnimationFrame(watchResponse);
  };
  const frame = () => { check(); if (state.readyAt === null) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})();`;
}

interface NetRequest {
  url: string;
  /** Seconds on CDP's monotonic clock. */
  sentAt: number;
  type?: string;
  mimeType?: string;
  encoding?: string;
  wire?: number;
  finished: boolean;
}

const emptyBytes = (): ResourceBytes => ({ count: 0, wire: 0, decoded: 0, gzip6: 0, gzip9: 0, brotli: 0, encodings: [] });

/** Compressed sizes by body hash: the same files load in every sample, and brotli q11 of 1.8 MB takes seconds. */
const compressedSizes = new Map<string, { gzip6: number; gzip9: number; brotli: number }>();

function compressedSize(body: Buffer): { gzip6: number; gzip9: number; brotli: number } {
  const key = createHash('sha256').update(body).digest('hex');
  let sizes = compressedSizes.get(key);
  if (!sizes) {
    sizes = {
      gzip6: gzipSync(body, { level: 6 }).length,
      gzip9: gzipSync(body, { level: 9 }).length,
      brotli: brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length } }).length,
    };
    compressedSizes.set(key, sizes);
  }
  return sizes;
}

async function bytesOf(cdp: CDPSession, requests: Array<[string, NetRequest]>): Promise<ResourceBytes> {
  const total = emptyBytes();
  const encodings = new Set<string>();
  for (const [id, request] of requests) {
    const { body, base64Encoded } = await cdp.send('Network.getResponseBody', { requestId: id });
    const decoded = Buffer.from(body, base64Encoded ? 'base64' : 'utf8');
    total.count += 1;
    total.wire += request.wire ?? 0;
    total.decoded += decoded.length;
    const sizes = compressedSize(decoded);
    total.gzip6 += sizes.gzip6;
    total.gzip9 += sizes.gzip9;
    total.brotli += sizes.brotli;
    encodings.add(request.encoding ?? 'identity');
  }
  total.encodings = [...encodings].sort();
  return total;
}

const isScript = (r: NetRequest) => r.type === 'Script' || /javascript|ecmascript/i.test(r.mimeType ?? '');
const isStylesheet = (r: NetRequest) => r.type === 'Stylesheet' || /text\/css/i.test(r.mimeType ?? '');

/** Measures one page load in its own fresh context; never throws (a failed sample says why). */
export async function measureSample(browser: Browser, options: SampleOptions): Promise<Sample> {
  const context = await browser.newContext({ viewport: options.viewport, deviceScaleFactor: options.deviceScaleFactor, isMobile: true, hasTouch: true });
  const failed = (error: string): Sample => ({
    ok: false,
    error,
    readyMs: NaN,
    interactiveMs: NaN,
    retaps: 0,
    missedOn: [],
    firstQuestion: { name: '', fallback: false, label: '', inViewport: false },
    longTasks: { count: 0, blockingMs: 0 },
    scripts: { untilInteractive: emptyBytes(), afterQuiet: emptyBytes() },
    stylesheets: { untilInteractive: emptyBytes() },
    scriptUrls: [],
  });
  try {
    const page = await context.newPage();
    // Kept for the failure message: a page that throws before showing its first question times out otherwise unexplained.
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    const cdp = await context.newCDPSession(page);
    const requests = new Map<string, NetRequest>();
    let documentSentAt: number | null = null;
    let lastNetworkActivity = Date.now();
    cdp.on('Network.requestWillBeSent', (e) => {
      lastNetworkActivity = Date.now();
      requests.set(e.requestId, { url: e.request.url, sentAt: e.timestamp, type: e.type, finished: false });
      if (e.type === 'Document' && documentSentAt === null) documentSentAt = e.timestamp;
    });
    cdp.on('Network.responseReceived', (e) => {
      const r = requests.get(e.requestId);
      if (!r) return;
      r.type = e.type;
      r.mimeType = e.response.mimeType;
      const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
      r.encoding = headers['content-encoding'];
    });
    cdp.on('Network.loadingFinished', (e) => {
      lastNetworkActivity = Date.now();
      const r = requests.get(e.requestId);
      if (r) Object.assign(r, { wire: e.encodedDataLength, finished: true });
    });

    const tap = async (point: { x: number; y: number }) => {
      // Press and release sent together, like a quick tap: each call returns only once the renderer has
      // handled its event, so awaiting the press first would hold the "finger" down for as long as the
      // main thread is busy (seconds here), and the release would then reach a different layout.
      await Promise.all([
        cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', x: point.x, y: point.y, button: 'left', clickCount: 1 }),
        cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', x: point.x, y: point.y, button: 'left', clickCount: 1 }),
      ]);
    };
    let resolveReady!: (point: { x: number; y: number }) => void;
    let resolveDone!: () => void;
    let rejectDone!: (error: Error) => void;
    const ready = new Promise<{ x: number; y: number }>((r) => (resolveReady = r));
    const done = new Promise<void>((resolve, reject) => ((resolveDone = resolve), (rejectDone = reject)));
    done.catch(() => {}); // raced below; never an unhandled rejection
    let retaps = 0;
    const missedOn: string[] = [];
    cdp.on('Runtime.bindingCalled', (e) => {
      if (e.name === '__timepointBenchReady') resolveReady(JSON.parse(e.payload) as { x: number; y: number });
      if (e.name === '__timepointBenchDone') resolveDone();
      if (e.name === '__timepointBenchMissed') {
        const { landed, point } = JSON.parse(e.payload) as { landed: string; point: { x: number; y: number } };
        missedOn.push(landed);
        if (retaps >= 3) return rejectDone(new Error(`three taps missed the first answer (they landed on ${missedOn.join(', ')})`));
        retaps += 1;
        void tap(point).catch(() => {});
      }
    });
    await cdp.send('Runtime.enable');
    for (const name of ['__timepointBenchReady', '__timepointBenchDone', '__timepointBenchMissed']) await cdp.send('Runtime.addBinding', { name });
    await cdp.send('Page.enable');
    await cdp.send('Page.addScriptToEvaluateOnNewDocument', { source: probeSource(options.firstQuestion) });
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: options.throttle });

    const deadline = Date.now() + options.timeoutMs;
    const timeout = (what: string) =>
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`timed out waiting for ${what}${pageErrors.length ? ` (page errors: ${pageErrors.slice(0, 3).join(' | ')})` : ''}`)), Math.max(0, deadline - Date.now())),
      );
    void page.goto(options.url, { waitUntil: 'commit', timeout: options.timeoutMs }).catch(() => {});
    await tap(await Promise.race([ready, timeout('the first question to be visible and enabled')]));
    await Promise.race([done, timeout('the tap to check the first answer')]);
    const probe = await page.evaluate(() => (globalThis as unknown as { __timepointBenchProbe: ProbeState }).__timepointBenchProbe);
    const interactiveAt = probe.interactiveAt!;

    // Then let the page finish what it does next (lazy chunks, saves) until the network is quiet for 1 s (at most 10 s).
    const quietBy = Date.now() + 10_000;
    while (Date.now() < quietBy && (Date.now() - lastNetworkActivity < 1000 || [...requests.values()].some((r) => !r.finished))) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const origin = documentSentAt ?? Math.min(...[...requests.values()].map((r) => r.sentAt));
    const before = (r: NetRequest) => (r.sentAt - origin) * 1000 <= interactiveAt;
    const loaded = [...requests.entries()].filter(([, r]) => r.finished);
    const scriptsAll = loaded.filter(([, r]) => isScript(r));
    const longBefore = probe.longTasks.filter(([start]) => start < interactiveAt);
    const sample: Sample = {
      ok: true,
      readyMs: probe.readyAt!,
      interactiveMs: interactiveAt,
      retaps,
      missedOn,
      firstQuestion: { name: probe.name, fallback: probe.fallback, label: probe.label, inViewport: probe.inViewport },
      longTasks: { count: longBefore.length, blockingMs: longBefore.reduce((sum, [, duration]) => sum + Math.max(0, duration - 50), 0) },
      scripts: { untilInteractive: await bytesOf(cdp, scriptsAll.filter(([, r]) => before(r))), afterQuiet: await bytesOf(cdp, scriptsAll) },
      stylesheets: { untilInteractive: await bytesOf(cdp, loaded.filter(([, r]) => isStylesheet(r) && before(r))) },
      scriptUrls: scriptsAll.map(([, r]) => new URL(r.url).pathname),
    };
    return sample;
  } catch (error) {
    return failed(error instanceof Error ? error.message : String(error));
  } finally {
    await context.close().catch(() => {});
  }
}
