import { describe, expect, it } from 'vitest';
import { applyAllowlist } from './allowlist.js';

const options = { mask: (v: string | number | boolean) => `M(${String(v)})`, screenValues: true, maxLength: (path: string) => (path === 'summary' ? 10 : 1024) };

describe('applyAllowlist', () => {
  it('copies named paths only, masking where asked', () => {
    const r = applyAllowlist(
      { service_line: 'cardiology', email: 'jane@example.com', name: 'Jane', clinic_id: 7 },
      { service_line: 'allow', email: 'mask', clinic_id: 'allow' },
      options,
    );
    expect(r.properties).toEqual({ service_line: 'cardiology', email: 'M(jane@example.com)', clinic_id: 7 });
  });

  it('never copies an object wholesale: leaves are named by dotted path', () => {
    const source = { appointment: { type: 'new-patient', reason: 'anxiety', patient: { name: 'Jane' } } };
    expect(applyAllowlist(source, { appointment: 'allow' }, options)).toEqual({ properties: {}, refused: [{ path: 'appointment', reason: 'not a primitive' }], masked: [] });
    expect(applyAllowlist(source, { 'appointment.type': 'allow' }, options).properties).toEqual({ appointment: { type: 'new-patient' } });
  });

  it('drops allowed values that look like direct identifiers in HIPAA mode only', () => {
    const source = { note: 'call me at 555-867-5309' };
    expect(applyAllowlist(source, { note: 'allow' }, options)).toEqual({ properties: {}, refused: [{ path: 'note', reason: 'looks like phone' }], masked: [] });
    expect(applyAllowlist(source, { note: 'allow' }, { ...options, screenValues: false }).properties).toEqual(source);
  });

  it('handles arrays of primitives and refuses arrays of objects', () => {
    expect(applyAllowlist({ tags: ['a', 'b'], items: [{ sku: 1 }] }, { tags: 'mask', items: 'allow' }, options)).toEqual({
      properties: { tags: ['M(a)', 'M(b)'] },
      refused: [{ path: 'items', reason: 'not a primitive' }],
      masked: ['tags'],
    });
  });

  it('reads own properties only, so prototype keys reach nothing', () => {
    const source = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"x": 1}}}');
    const rules = JSON.parse('{"__proto__.polluted":"allow","toString":"allow","constructor.prototype.x":"allow"}') as Record<string, 'allow' | 'mask'>;
    const r = applyAllowlist(source, rules, options);
    expect(r.properties).toEqual({});
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('drops values longer than their limit, masked or not, before screening them', () => {
    const long = 'x'.repeat(1025);
    const r = applyAllowlist({ note: long, email: long, summary: 'eleven char', ok: 'x'.repeat(1024) }, { note: 'allow', email: 'mask', summary: 'allow', ok: 'allow' }, options);
    expect(r.properties).toEqual({ ok: 'x'.repeat(1024) });
    expect(r.refused).toEqual([
      { path: 'email', reason: 'too long' },
      { path: 'note', reason: 'too long' },
      { path: 'summary', reason: 'too long' },
    ]);
  });
});
