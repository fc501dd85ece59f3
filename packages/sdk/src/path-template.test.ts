import { describe, expect, it } from 'vitest';
import { pathTemplate } from './path-template.js';

describe('pathTemplate', () => {
  it('replaces identifier-like segments and keeps the rest', () => {
    expect(pathTemplate('/patients/48213/chart')).toBe('/patients/:id/chart');
    expect(pathTemplate('/u/jane@example.com/')).toBe('/u/:id/');
    expect(pathTemplate('/v/3f2b9c1e-77aa-4b1c-9d2e-0a1b2c3d4e5f')).toBe('/v/:id');
    expect(pathTemplate('/t/eyJhbGciOiJIUzI1NiJ9abcdefgh')).toBe('/t/:id');
    expect(pathTemplate('/find-a-doctor/cardiology')).toBe('/find-a-doctor/cardiology');
    expect(pathTemplate('/')).toBe('/');
  });
});
