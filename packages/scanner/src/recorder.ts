/**
 * Records what leaves the browser for one page at a time: every request of the page, its frames,
 * its workers and service workers (Playwright's CDP connection auto-attaches to each target), with
 * its body and, from a CDP session on the page, the script stack that started it; CSP violation
 * reports from every frame; and the bodies of the scripts the page loaded, for page-code checks.
 */
import type { BrowserContext, CDPSession, Page, Request, Response } from 'playwright-core';
import type { CspViolation, RecordedRequest } from './types.js';

const MAX_BODY = 64 * 1024;
const MAX_SCRIPT = 512 * 1024;
const MAX_SCRIPTS = 60;
/** Violation reports kept per page: a page can call the reporting binding as often as it likes. */
const MAX_VIOLATIONS = 500;

export interface Recording {
  requests: RecordedRequest[];
  cspViolations: CspViolation[];
  code: { source: string; text: string }[];
}

interface Initiator {
  type?: string;
  url?: string;
  stack?: { callFrames: { url: string }[]; parent?: Initiator['stack'] };
}

/** Script URLs of an initiator, innermost first, without repeats. */
function initiatorUrls(initiator: Initiator): string[] {
  const urls: string[] = [];
  for (let stack = initiator.stack; stack; stack = stack.parent) {
    for (const frame of stack.callFrames) if (frame.url && !urls.includes(frame.url)) urls.push(frame.url);
  }
  if (initiator.url && !urls.includes(initiator.url)) urls.push(initiator.url);
  return urls;
}

function failureOf(text: string): string {
  if (text.includes('BLOCKED_BY_CSP') || text.includes('csp')) return 'csp';
  if (text.includes('BLOCKED_BY_CLIENT')) return 'blocked';
  return text.replace(/^net::/, '');
}

export class Recorder {
  #current: Recording | undefined;
  #started = 0;
  /** Initiators seen by the page sessions, by URL (a URL requested twice keeps its first). */
  #initiators = new Map<string, string[]>();
  /** URLs the page targets requested themselves (what is left came from a dedicated worker). */
  #pageTargetUrls = new Set<string>();
  #byRequest = new Map<Request, RecordedRequest>();
  #pending: Promise<unknown>[] = [];
  #sessions: CDPSession[] = [];

  private constructor(private readonly context: BrowserContext) {}

  static async attach(context: BrowserContext): Promise<Recorder> {
    const recorder = new Recorder(context);
    await context.exposeBinding('__palisadeScanViolation', (_source, v: CspViolation) => {
      const list = recorder.#current?.cspViolations;
      if (!list || list.length >= MAX_VIOLATIONS || typeof v?.blockedUrl !== 'string') return;
      list.push({ blockedUrl: v.blockedUrl.slice(0, 2048), directive: String(v.directive).slice(0, 64), disposition: v.disposition === 'report' ? 'report' : 'enforce' });
    });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        const report = (window as unknown as { __palisadeScanViolation?: (v: unknown) => void }).__palisadeScanViolation;
        report?.({ blockedUrl: e.blockedURI, directive: e.effectiveDirective, disposition: e.disposition });
      });
    });
    context.on('request', (r) => recorder.#onRequest(r));
    context.on('requestfailed', (r) => {
      const rec = recorder.#byRequest.get(r);
      if (rec) rec.failure = failureOf(r.failure()?.errorText ?? 'failed');
    });
    context.on('response', (r) => recorder.#onResponse(r));
    return recorder;
  }

  /** Watches a page's own target for initiator stacks (call before it navigates). */
  async watch(page: Page): Promise<void> {
    const session = await this.context.newCDPSession(page);
    this.#sessions.push(session);
    session.on('Network.requestWillBeSent', (e: { request: { url: string }; initiator: Initiator }) => {
      this.#pageTargetUrls.add(e.request.url);
      if (!this.#initiators.has(e.request.url)) this.#initiators.set(e.request.url, initiatorUrls(e.initiator));
    });
    await session.send('Network.enable');
    // Async stacks: a pixel that sends from a promise callback or a timer is still traced to its script.
    await session.send('Debugger.enable');
    // A `debugger;` statement (an anti-devtools trick) must not pause the page for ever.
    await session.send('Debugger.setSkipAllPauses', { skip: true });
    await session.send('Debugger.setAsyncCallStackDepth', { maxDepth: 8 });
  }

  begin(): void {
    this.#current = { requests: [], cspViolations: [], code: [] };
    this.#started = Date.now();
    this.#initiators.clear();
    this.#pageTargetUrls.clear();
    this.#byRequest.clear();
  }

  async end(page: Page): Promise<Recording> {
    await Promise.race([Promise.allSettled(this.#pending), new Promise((r) => setTimeout(r, 5000))]);
    this.#pending = [];
    const rec = this.#current ?? { requests: [], cspViolations: [], code: [] };
    this.#current = undefined;
    const workers = page.isClosed() ? [] : page.workers().map((w) => w.url());
    for (const r of rec.requests) {
      r.initiators = this.#initiators.get(r.url) ?? [];
      // Playwright files a dedicated worker's request under the page's frame; the page's own
      // target never saw it.
      if (r.realm === 'page' && !this.#pageTargetUrls.has(r.url) && workers.length > 0 && r.resourceType !== 'document') {
        r.realm = 'worker';
        r.realmUrl = workers.join(' ');
        r.initiators = r.initiators.length > 0 ? r.initiators : workers;
      }
    }
    for (const s of this.#sessions.splice(0)) s.detach().catch(() => {});
    return rec;
  }

  #onRequest(request: Request): void {
    const rec = this.#current;
    if (!rec) return;
    let realm: RecordedRequest['realm'] = 'page';
    let realmUrl = '';
    const sw = request.serviceWorker();
    if (sw) {
      realm = 'service-worker';
      realmUrl = sw.url();
    } else {
      try {
        const frame = request.frame();
        realmUrl = frame.url();
        if (frame.parentFrame()) realm = 'frame';
      } catch {
        // A navigation request issued before its frame exists.
      }
    }
    const body = request.postData();
    const recorded: RecordedRequest = {
      url: request.url(),
      method: request.method(),
      resourceType: request.resourceType(),
      realm,
      realmUrl,
      initiators: [],
      startedMs: Date.now() - this.#started,
      ...(body ? { body: body.slice(0, MAX_BODY) } : {}),
    };
    rec.requests.push(recorded);
    this.#byRequest.set(request, recorded);
  }

  #onResponse(response: Response): void {
    const rec = this.#current;
    const request = response.request();
    const recorded = this.#byRequest.get(request);
    if (recorded) recorded.status = response.status();
    if (!rec || request.resourceType() !== 'script' || this.#pending.length >= MAX_SCRIPTS) return;
    this.#pending.push(
      response.text().then(
        (text) => rec.code.push({ source: response.url(), text: text.slice(0, MAX_SCRIPT) }),
        () => {},
      ),
    );
  }
}
