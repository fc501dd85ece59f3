/**
 * Who the visitor is to this site: an anonymous id in a first-party cookie, mirrored to
 * localStorage (either restores the other), the user id after identify(), and a session that
 * ends after 30 minutes idle. Storage is written only when something changes: the first
 * localStorage access of a page can cost milliseconds.
 */
import { uuid } from './uuid.js';

const AID = 'palisade_aid';
const UID = 'palisade_uid';
const SESSION = 'palisade_session';
const SESSION_IDLE_MS = 30 * 60 * 1000;
const YEAR_S = 365 * 24 * 3600;

function read(key: string): string | undefined {
  try {
    return localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

function write(key: string, value: string | undefined): void {
  try {
    if (value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage disabled: the in-memory value still serves this page.
  }
}

function readCookie(name: string): string | undefined {
  const match = document.cookie.match(new RegExp(`(?:^|; )${name}=([^;]*)`));
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/** A cookie for this site only; without maxAge it ends with the browser session. */
function writeCookie(name: string, value: string | undefined, maxAge?: number): void {
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  const age = value === undefined ? '; Max-Age=0' : maxAge === undefined ? '' : `; Max-Age=${maxAge}`;
  document.cookie = `${name}=${encodeURIComponent(value ?? '')}${age}; Path=/; SameSite=Lax${secure}`;
}

export class Identity {
  anonymousId: string;
  userId: string | undefined;
  #session: [id: number, last: number] | undefined;

  constructor() {
    const fromCookie = readCookie(AID);
    const id = fromCookie ?? read(AID) ?? uuid();
    this.anonymousId = id;
    if (fromCookie === undefined) this.#saveAnonymousId();
    this.userId = read(UID);
  }

  #saveAnonymousId(): void {
    writeCookie(AID, this.anonymousId, YEAR_S);
    write(AID, this.anonymousId);
  }

  setUser(userId: string | undefined): void {
    if (userId === undefined || userId === this.userId) return;
    this.userId = userId;
    write(UID, userId);
  }

  /** Forget the person: new anonymous id, no user id, new session. */
  reset(): void {
    this.anonymousId = uuid();
    this.userId = undefined;
    this.#session = undefined;
    write(UID, undefined);
    writeCookie(SESSION, undefined);
    this.#saveAnonymousId();
  }

  /** The session id (its start, in seconds, as GA4 wants it), extended by this activity. */
  session(now = Date.now()): number {
    if (this.#session === undefined) {
      const [id, last] = (readCookie(SESSION) ?? '').split('.').map(Number);
      this.#session = [id || 0, last || 0];
    }
    let [id, last] = this.#session;
    if (!id || now - last > SESSION_IDLE_MS) id = Math.floor(now / 1000);
    // The cookie only needs to move when the idle clock would otherwise run out.
    if (now - last > 60_000 || id !== this.#session[0]) writeCookie(SESSION, `${id}.${now}`);
    else now = last;
    this.#session = [id, now];
    return id;
  }
}
