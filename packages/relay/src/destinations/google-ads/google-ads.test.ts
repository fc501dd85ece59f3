import { describe, expect, it } from 'vitest';
import type { OutboundRequest, VendorResponse } from '../connector.js';
import { conversionDateTime, googleAdsConnector } from './index.js';
import { googleAdsSettings } from './settings.js';

const settings = googleAdsSettings.parse({
  customerId: '123-456-7890',
  developerToken: 'env:T',
  clientId: 'client',
  clientSecret: 'env:S',
  refreshToken: 'env:R',
  tokenUrl: 'http://127.0.0.1:9/token',
});

function obtain(answer: VendorResponse) {
  const sent: OutboundRequest[] = [];
  const send = async (request: OutboundRequest) => {
    sent.push(request);
    return answer;
  };
  return { sent, result: googleAdsConnector.auth!.obtain({ ...settings, clientSecret: 'secret', refreshToken: 'refresh' }, { send, now: 1_000_000, timeoutMs: 1000 }) };
}

describe('Google Ads', () => {
  it('writes the conversion time as Google requires, with its time zone', () => {
    expect(conversionDateTime(Date.parse('2026-11-24T09:59:00.123Z'))).toBe('2026-11-24 09:59:00+00:00');
    expect(settings.customerId).toBe('1234567890');
  });

  it('obtains an access token with the refresh-token grant', async () => {
    const { sent, result } = obtain({ status: 200, headers: {}, body: '{"access_token":"ya29.x","expires_in":3599,"token_type":"Bearer"}' });
    expect(await result).toEqual({ accessToken: 'ya29.x', expiresAt: 1_000_000 + 3_599_000 });
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.body))).toEqual({ grant_type: 'refresh_token', client_id: 'client', client_secret: 'secret', refresh_token: 'refresh' });
  });

  it('never quotes a token endpoint body it cannot read', async () => {
    const { result } = obtain({ status: 200, headers: {}, body: '{"access_token": ya29.leaked-token' });
    await expect(result).rejects.toThrow('Google OAuth answered with a body that is not JSON');
    await expect(obtain({ status: 400, headers: {}, body: '{"error":"invalid_grant"}' }).result).rejects.toThrow('Google OAuth answered HTTP 400');
  });
});
