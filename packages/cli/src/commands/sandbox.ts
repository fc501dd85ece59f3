/** `palisade sandbox`: the vendor sandbox on its own, for trying a site's config before it goes live. */
import { startSandbox } from '@palisade/vendor-sandbox';
import type { Env } from '@palisade/relay';

export interface SandboxCommandOptions {
  host: string;
  port: number;
  env: Env;
  log: (line: string) => void;
}

export async function runSandbox(options: SandboxCommandOptions) {
  const secret = options.env.WEBHOOK_SECRET;
  // GA4 accepts any api_secret and drops what it cannot use; the sandbox records whatever arrives.
  const sandbox = await startSandbox({ host: options.host, port: options.port, ...(secret ? { webhookSecrets: { site: secret } } : {}) });
  options.log(`Vendor sandbox     ${sandbox.url}/   (GA4 at ${sandbox.url}/ga4, webhooks at ${sandbox.url}/webhook/site${secret ? '' : ': set WEBHOOK_SECRET to accept them'})`);
  // The ad platforms accept any non-empty token here: the site's config can use its real env names.
  options.log(
    `Ad platforms       Meta ${sandbox.url}/meta, Google Ads ${sandbox.url}/google-ads (token: ${sandbox.url}/google-ads/token), TikTok ${sandbox.url}/tiktok, LinkedIn ${sandbox.url}/linkedin, Microsoft ${sandbox.url}/microsoft`,
  );
  return sandbox;
}
