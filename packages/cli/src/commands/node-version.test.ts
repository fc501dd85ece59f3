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
