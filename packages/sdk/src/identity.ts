/**
 * Who the visitor is to this site: an anonymous id in a first-party cookie and localStorage (either
 * restores the other), the user id after identify(), and a session that ends after 30 minutes idle.
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

function writeCookie(name: string, value: string | undefined): void {
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = value === undefined
    ? `${name}=; Max-Age=0; Path=/; SameSite=Lax${secure}`
    : `${name}=${encodeURIComponent(value)}; Max-Age=${YEAR_S}; Path=/; SameSite=Lax${secure}`;
}

export class Identity {
  anonymousId: string;
  userId: string | undefined;

  constructor() {
    this.anonymousId = read(AID) ?? readCookie(AID) ?? uuid();
    this.userId = read(UID);
    this.#persist();
  }

  #persist(): void {
    write(AID, this.anonymousId);
    writeCookie(AID, this.anonymousId);
    write(UID, this.userId);
  }

  setUser(userId: string | undefined): void {
    if (userId === undefined) return;
    this.userId = userId;
    this.#persist();
  }

  /** Forget the person: new anonymous id, no user id, new session. */
  reset(): void {
    this.anonymousId = uuid();
    this.userId = undefined;
    write(SESSION, undefined);
    this.#persist();
  }

  /** The session id (its start, in seconds, as GA4 wants it), extended by this activity. */
  session(now = Date.now()): number {
    let id = 0;
    let last = 0;
    const raw = read(SESSION);
    if (raw) [id, last] = raw.split('.').map(Number) as [number, number];
    if (!id || now - last > SESSION_IDLE_MS) id = Math.floor(now / 1000);
    write(SESSION, `${id}.${now}`);
    return id;
  }
}
