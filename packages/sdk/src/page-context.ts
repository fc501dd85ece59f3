/** The page as the visitor sees it. Raw: the relay, not the browser, decides what leaves. */
import type { PageContext } from './types.js';

export function pageContext(): PageContext {
  return {
    url: location.href,
    path: location.pathname,
    referrer: document.referrer,
    title: document.title,
    search: location.search,
  };
}
