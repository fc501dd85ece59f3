/**
 * What a page may reach, per resource type: the one source for both the Content-Security-Policy
 * (build-policy.ts) and the SDK's pixel guard (the relay writes `guardPolicy` into the script it
 * serves, sdk-asset.ts). Both enforce the same origins for every type they can see, as a test
 * checks; only the page's own origin is implied.
 *
 *   scripts, styles, images, fonts, media, fetch/XHR/beacons: the relay and `allowOrigins`
 *   frames: `allowEmbeds` only (a CDN is not a page to frame)
 *   forms: the page's own origin only; plugins (`<object>`): nothing
 */
import type { BrowserConfig } from '@palisade/schema';

export type ResourceType = 'script' | 'style' | 'image' | 'font' | 'media' | 'connect' | 'frame' | 'form' | 'object';

/** Origins each resource type may reach besides the page's own (`object`: not even that). */
export function originsByType(browser: BrowserConfig): Record<ResourceType, string[]> {
  const reachable = [...new Set([...(browser.relayOrigin ? [browser.relayOrigin] : []), ...browser.allowOrigins])];
  return {
    script: reachable,
    style: reachable,
    image: reachable,
    font: reachable,
    media: reachable,
    connect: reachable,
    frame: [...new Set(browser.allowEmbeds)],
    form: [],
    object: [],
  };
}

/** The guard's view of the same policy, written into the served SDK (see the SDK's guard/policy.ts). */
export function guardPolicy(browser: BrowserConfig): { allow: string[]; embeds: string[] } {
  const byType = originsByType(browser);
  return { allow: byType.connect, embeds: byType.frame };
}
