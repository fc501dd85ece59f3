import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canarySearch, makeCanaries } from './canaries.js';

const set = makeCanaries('qzxwvk');
const find = canarySearch(set);
const email = set.value('email');
const hex = (a: string, s: string) => createHash(a).update(s).digest('hex');
const forms = (text: string) => find(text).map((h) => `${h.canary.label}:${h.form}`);

describe('canaries', () => {
  it('are unique to the run and look like what a visitor types', () => {
    expect(email).toBe('pal.qzxwvk@example.com');
    expect(set.value('phone', 0)).toMatch(/^\(555\) \d{3}-\d{4}$/);
    expect(set.value('phone', 1)).toMatch(/^\+44 7700 \d{6}$/);
    expect(set.value('date-of-birth')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(set.value('ssn')).toMatch(/^9\d{2}-\d{2}-\d{4}$/);
    expect(makeCanaries().token).not.toBe(makeCanaries().token);
  });

  it('are found in clear, URL-encoded, form-encoded and base64 (also inside a larger encoded blob)', () => {
    expect(forms(`{"email":"${email}"}`)).toEqual(['email:plain']);
    expect(forms(`https://t.example/c?e=${encodeURIComponent(email)}`)).toEqual(['email:plain']);
    const symptoms = set.value('symptoms');
    expect(forms(`q=${encodeURIComponent(symptoms).replaceAll('%20', '+')}`)).toEqual(['symptoms (free text):plain']);
    const blob = Buffer.from(JSON.stringify({ user: { mail: email, n: 1 } })).toString('base64');
    expect(forms(`data=${blob}`)).toEqual(['email:base64']);
    expect(forms(`data=${Buffer.from(`xx${email}`).toString('base64url')}`)).toEqual(['email:base64']);
    // After a path (the run starts early) and URL-encoded on top.
    expect(forms(`https://t.example/v1/${Buffer.from(JSON.stringify({ e: email })).toString('base64')}`)).toEqual(['email:base64']);
    const padded = Buffer.from(`{"mail":"${email}"}?`).toString('base64');
    expect(padded).toMatch(/[+/=]/);
    expect(forms(`d=${encodeURIComponent(padded)}`)).toEqual(['email:base64']);
    // A stray % does not turn the decoding off for the rest.
    expect(forms(`100% sure&e=${encodeURIComponent(set.value('symptoms'))}`)).toEqual(['symptoms (free text):plain']);
  });

  it('are found as unkeyed MD5, SHA-1 and SHA-256 of the normalized value, in either case', () => {
    expect(forms(`ud[em]=${hex('sha256', email)}`)).toEqual(['email:sha256']);
    expect(forms(`em=${hex('sha1', email).toUpperCase()}`)).toEqual(['email:sha1']);
    expect(forms(`m=${hex('md5', email)}`)).toEqual(['email:md5']);
    const us = set.all.find((c) => c.label === 'phone (US)')!;
    expect(forms(`ph=${hex('sha256', us.normalized[1]!)}`)).toEqual(['phone (US):sha256']);
    const dob = set.all.find((c) => c.kind === 'date-of-birth')!;
    expect(forms(`db=${hex('sha256', dob.normalized[0]!)}`)).toEqual(['date of birth:sha256']);
  });

  it('are not found where they are not, and a keyed hash does not match', () => {
    expect(find('https://www.google-analytics.com/g/collect?v=2&tid=G-1&en=page_view')).toEqual([]);
    const keyed = createHash('sha256').update(`relay-key:${email}`).digest('hex');
    expect(find(`uid=${keyed}`)).toEqual([]);
    // Another run's canaries are not this run's.
    expect(find(makeCanaries('other').value('email'))).toEqual([]);
  });

  it('search a large hostile body once through (a fixed set of needles, no backtracking)', () => {
    const hostile = `${'A'.repeat(500_000)}%${'%zz'.repeat(100_000)}${'+/'.repeat(100_000)}`;
    expect(find(hostile)).toEqual([]);
    expect(forms(`${hostile}${email}`)).toEqual(['email:plain']);
  });
});
