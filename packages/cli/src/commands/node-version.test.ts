import { describe, expect, it } from 'vitest';
import { nodeVersionWarning } from './relay.js';

describe('the Node version warning', () => {
  it('is silent on Node 20 and 22, and names the abort and the way out on 24 and later', () => {
    expect(nodeVersionWarning('20.19.0')).toBeUndefined();
    expect(nodeVersionWarning('22.23.3')).toBeUndefined();
    expect(nodeVersionWarning('24.21.0')).toContain('better-sqlite3 12 can abort the relay on Node 24');
    expect(nodeVersionWarning('26.0.0')).toContain('Run Node 20.19+ or 22');
  });
});

describe('--trust-proxy', () => {
  it('takes IP addresses and CIDR ranges, and refuses anything else in one line', async () => {
    const { parseTrustProxy } = await import('./relay.js');
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8 ::1 fd00::/8')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
    for (const bad of ['', 'true', '*', 'loopback', '10.0.0.0/33', '10.0.0.0/8/1', 'proxy.example', '::1/129']) {
      expect(() => parseTrustProxy(bad)).toThrow(/trust-proxy/);
    }
  });
});
