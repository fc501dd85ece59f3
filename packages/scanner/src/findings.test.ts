import { describe, expect, it } from 'vitest';
import { findingId, mergeFindings, type FindingDraft } from './findings.js';
import { newSince, baselineOf } from './baseline.js';
import { pageTemplate } from './page-template.js';

const draft = (consent: 'denied' | 'granted', page: string, destination = 'www.facebook.com'): FindingDraft => ({
  kind: 'third-party-request',
  severity: 'high',
  title: 'Request to Facebook',
  template: pageTemplate(page),
  destination,
  why: 'w',
  fix: 'f',
  evidence: { page, consent },
});

describe('findings', () => {
  it('have ids from kind, page template and destination: the same across pages of a template, states and runs', () => {
    expect(findingId('third-party-request', '/doctors/:id', 'x.example')).toBe(findingId('third-party-request', '/doctors/:id', 'x.example'));
    expect(findingId('third-party-request', '/a', 'x.example')).not.toBe(findingId('third-party-request', '/b', 'x.example'));
    expect(pageTemplate('https://c.example/doctors/12345?q=1')).toBe('/doctors/:id');
    const merged = mergeFindings([draft('denied', 'https://c.example/doctors/1234'), draft('granted', 'https://c.example/doctors/5678'), draft('denied', 'https://c.example/')]);
    expect(merged).toHaveLength(2);
    const doctors = merged.find((f) => f.template === '/doctors/:id')!;
    expect(doctors.consent).toEqual(['denied', 'granted']);
    expect(doctors.evidence.map((e) => e.page)).toEqual(['https://c.example/doctors/1234', 'https://c.example/doctors/5678']);
    expect(doctors.id).toMatch(/^third-party-request:[0-9a-f]{12}$/);
  });

  it('against a baseline: only the findings not in it are new', () => {
    const before = mergeFindings([draft('denied', 'https://c.example/')]);
    const after = mergeFindings([draft('denied', 'https://c.example/'), draft('denied', 'https://c.example/', 'analytics.tiktok.com')]);
    const fresh = newSince(after, baselineOf(before));
    expect(fresh.map((f) => f.destination)).toEqual(['analytics.tiktok.com']);
  });
});
