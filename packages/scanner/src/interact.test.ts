import { describe, expect, it } from 'vitest';
import { canaryFor } from './interact.js';

describe('which canary a field gets', () => {
  it('reads type, name, autocomplete and label', () => {
    const f = (type: string, hint: string, tag = 'input') => canaryFor({ tag, type, hint });
    expect(f('email', 'contact')).toBe('email');
    expect(f('text', 'email  Email address')).toBe('email');
    expect(f('tel', 'phone')).toBe('phone');
    expect(f('date', 'dob  Date of birth')).toBe('date-of-birth');
    expect(f('text', 'ssn')).toBe('ssn');
    expect(f('text', 'member_id Member ID')).toBe('mrn');
    expect(f('text', 'last_name family-name')).toBe('last-name');
    expect(f('text', 'first_name given-name')).toBe('first-name');
    expect(f('text', 'street-address')).toBe('address');
    expect(f('text', 'postal-code')).toBe('zip');
    expect(f('', 'reason', 'textarea')).toBe('symptoms');
    expect(f('password', 'password')).toBeUndefined();
    expect(f('hidden', 'csrf')).toBeUndefined();
  });
});
