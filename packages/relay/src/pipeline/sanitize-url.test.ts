import { describe, expect, it } from 'vitest';
import { isIdentifierSegment, reduceReferrer, sanitizePath, sanitizeSearch, sanitizeUrl } from './sanitize-url.js';

const keep = new Set(['utm_source', 'utm_medium', 'utm_campaign']);

describe('sanitizeUrl', () => {
  it('drops the fragment, credentials and every query parameter not kept', () => {
    expect(sanitizeUrl('https://jane:pw@clinic.example/book?email=jane%40x.com&utm_source=google&dob=1980-01-02#step-2', keep)).toBe(
      'https://clinic.example/book?utm_source=google',
    );
  });

  it('drops a kept parameter whose value looks like PHI', () => {
    expect(sanitizeUrl('https://clinic.example/?utm_campaign=jane@example.com', keep)).toBe('https://clinic.example/');
  });

  it('replaces identifier-like path segments with :id', () => {
    expect(sanitizeUrl('https://clinic.example/patients/48213/results', keep)).toBe('https://clinic.example/patients/:id/results');
    expect(sanitizePath('/appointments/3f2b8c1e-9d4a-4c6e-8f00-1a2b3c4d5e6f/confirm')).toBe('/appointments/:id/confirm');
    expect(sanitizePath('/u/jane.doe%40example.com/profile')).toBe('/u/:id/profile');
    expect(sanitizePath('/reset/9f86d081884c7d659a2feaa0c55ad015')).toBe('/reset/:id');
    expect(sanitizePath('/t/eyJhbGciOiJIUzI1NiJ9aBc12')).toBe('/t/:id');
    expect(sanitizePath('/mrn-00123456/chart;jsessionid=abc')).toBe('/:id/chart');
  });

  it('keeps ordinary slugs', () => {
    expect(sanitizePath('/services/behavioral-health/adolescents')).toBe('/services/behavioral-health/adolescents');
    expect(sanitizePath('/covid-19-vaccines-for-children')).toBe('/covid-19-vaccines-for-children');
    expect(isIdentifierSegment('find-a-doctor')).toBe(false);
  });

  it('refuses non-http URLs and garbage, keeps relative paths relative', () => {
    expect(sanitizeUrl('javascript:alert(1)', keep)).toBeUndefined();
    expect(sanitizeUrl('not a url', keep)).toBeUndefined();
    expect(sanitizeUrl('/book/12345?email=x', keep)).toBe('/book/:id');
  });
});

describe('referrer and search', () => {
  it('reduces a referrer to its origin', () => {
    expect(reduceReferrer('https://www.google.com/search?q=bipolar+disorder+treatment')).toBe('https://www.google.com');
    expect(reduceReferrer('android-app://com.google')).toBeUndefined();
  });

  it('keeps only the kept parameters of a search string', () => {
    expect(sanitizeSearch('?q=depression&utm_medium=cpc', keep)).toBe('?utm_medium=cpc');
    expect(sanitizeSearch('', keep)).toBe('');
  });
});
