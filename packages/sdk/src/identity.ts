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

/** Our cookies hold UUIDs, numbers and URI-encoded JSON: the caller decodes what it encoded. */
export function readCookie(name: string): string | undefined {
  return document.cookie
    .split('; ')
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);
}

/** A cookie for this site only; without maxAge it ends with the browser session. */
export function writeCookie(name: string, value: string | undefined, maxAge?: number): void {
  const age = value === undefined ? 0 : maxAge;
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = `${name}=${value ?? ''}${age === undefined ? '' : `; Max-Age=${age}`}; Path=/; SameSite=Lax${secure}`;
}

export interface Identity {
  anonymousId: string;
  userId: string | undefined;
  setUser(userId: string | undefined): void;
  /** Forget the person: new anonymous id, no user id, new session. */
  reset(): void;
  /** The session id (its start, in seconds, as GA4 wants it), extended by this activity. */
  session(now?: number): number;
}

export function identity(): Identity {
  let current: [id: number, last: number] | undefined;
  const saveAnonymousId = () => {
    writeCookie(AID, me.anonymousId, YEAR_S);
    write(AID, me.anonymousId);
  };
  const fromCookie = readCookie(AID);
  const me: Identity = {
    anonymousId: fromCookie ?? read(AID) ?? uuid(),
    userId: read(UID),
    setUser(userId) {
      if (userId === undefined || userId === me.userId) return;
      me.userId = userId;
      write(UID, userId);
    },
    reset() {
      me.anonymousId = uuid();
      me.userId = undefined;
      current = undefined;
      write(UID, undefined);
      writeCookie(SESSION, undefined);
      saveAnonymousId();
    },
    session(now = Date.now()) {
      // `id.last` in the cookie; a missing or damaged one reads as NaN, which starts a session.
      current ??= (readCookie(SESSION) ?? '').split('.').map(Number) as [number, number];
      let [id, last] = current;
      if (!id || !(now - last < SESSION_IDLE_MS)) id = Math.floor(now / 1000);
      // The cookie only needs to move when a session starts or the idle clock would run out.
      if (id !== current[0] || !(now - last < 60_000)) {
        last = now;
        writeCookie(SESSION, `${id}.${last}`);
      }
      current = [id, last];
      return id;
    },
  };
  if (fromCookie === undefined) saveAnonymousId();
  return me;
}
