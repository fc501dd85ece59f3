/**
 * A second realistic container, written the way the Tag Manager API returns it (camelCase enums):
 * a legacy GA4 configuration tag with user-provided data in MANUAL mode, legacy GA4 event tags
 * that name their config tag, a regex list of custom events forwarded under their own names, a
 * negated filter, consent settings, form and click triggers on classes and ids, and a Meta
 * access token left in a constant (exports are secrets).
 */
const t = (key: string, value: string) => ({ type: 'template', key, value });
const b = (key: string, value: boolean) => ({ type: 'boolean', key, value: String(value) });
const cond = (type: string, arg0: string, arg1: string, negate = false) => ({ type, parameter: [t('arg0', arg0), t('arg1', arg1), ...(negate ? [b('negate', true)] : [])] });

export const META_TOKEN_IN_CONSTANT = 'EAABsbCS1iHgBAOZCZBkZD1x2y3z4LakesideSecretToken';

export const lakeside = {
  exportFormatVersion: 2,
  exportTime: '2026-10-02 09:15:00',
  containerVersion: {
    containerVersionId: '12',
    name: 'Lakeside Dental',
    container: { publicId: 'GTM-LAKE42', name: 'lakeside.example', usageContext: ['web'] },
    tag: [
      {
        tagId: '1',
        name: 'GA4 Configuration',
        type: 'gaawc',
        parameter: [
          t('measurementId', 'G-LAKE1234'),
          b('sendPageView', true),
          t('userDataVariable', '{{Contact details}}'),
          { type: 'list', key: 'fieldsToSet', list: [{ type: 'map', map: [t('name', 'content_group'), t('value', '{{DL - section}}')] }] },
        ],
        firingTriggerId: ['2147479553'],
        tagFiringOption: 'oncePerEvent',
        consentSettings: { consentStatus: 'needed', consentType: { type: 'list', list: [{ type: 'template', value: 'analytics_storage' }] } },
      },
      {
        tagId: '2',
        name: 'GA4 Event - booking steps',
        type: 'gaawe',
        parameter: [
          t('eventName', '{{Event}}'),
          { type: 'tagReference', key: 'measurementId', value: 'GA4 Configuration' },
          {
            type: 'list',
            key: 'eventParameters',
            list: [
              { type: 'map', map: [t('name', 'treatment'), t('value', '{{DL - treatment}}')] },
              { type: 'map', map: [t('name', 'currency'), t('value', 'USD')] },
              { type: 'map', map: [t('name', 'date_of_birth'), t('value', '{{DL - dob}}')] },
            ],
          },
        ],
        firingTriggerId: ['10'],
        tagFiringOption: 'oncePerEvent',
      },
      {
        tagId: '3',
        name: 'GA4 Event - contact form',
        type: 'gaawe',
        parameter: [t('eventName', 'generate_lead'), { type: 'tagReference', key: 'measurementId', value: 'GA4 Configuration' }],
        firingTriggerId: ['11'],
        blockingTriggerId: ['13'],
        tagFiringOption: 'oncePerEvent',
      },
      {
        tagId: '4',
        name: 'GA4 Event - call click',
        type: 'gaawe',
        parameter: [t('eventName', 'click_to_call'), t('measurementIdOverride', 'G-LAKE1234')],
        firingTriggerId: ['12'],
        tagFiringOption: 'oncePerEvent',
      },
      {
        tagId: '6',
        name: 'GA4 Event - newsletter',
        type: 'gaawe',
        parameter: [t('eventName', 'sign_up'), t('measurementIdOverride', 'G-LAKE1234')],
        firingTriggerId: ['15'],
        blockingTriggerId: ['14'],
        tagFiringOption: 'oncePerEvent',
      },
      {
        tagId: '5',
        name: 'Meta CAPI helper',
        type: 'html',
        parameter: [t('html', "<script>window.__capi = { token: '{{Const - Meta token}}' };</script>"), b('usePostscribe', false)],
        firingTriggerId: ['2147479553'],
        tagFiringOption: 'oncePerLoad',
      },
    ],
    trigger: [
      { triggerId: '10', name: 'Booking steps', type: 'customEvent', customEventFilter: [cond('matchRegex', '{{_event}}', '^(booking_start|booking_complete)$')] },
      {
        triggerId: '11',
        name: 'Contact form',
        type: 'formSubmission',
        filter: [cond('contains', '{{Form Classes}}', 'contact-form'), cond('startsWith', '{{Page Path}}', '/test', true)],
      },
      { triggerId: '12', name: 'Call button', type: 'click', filter: [cond('equals', '{{Click ID}}', 'call-now'), cond('matchRegex', '{{Click Text}}', '^Call us')] },
      { triggerId: '13', name: 'Staff pages', type: 'formSubmission', filter: [cond('startsWith', '{{Page Path}}', '/staff')] },
      { triggerId: '14', name: 'Internal traffic', type: 'formSubmission', filter: [cond('equals', '{{Cookie - internal}}', '1')] },
      { triggerId: '15', name: 'Newsletter form', type: 'formSubmission', filter: [cond('equals', '{{Form ID}}', 'newsletter')] },
    ],
    variable: [
      { name: 'DL - section', type: 'v', parameter: [t('name', 'section')] },
      { name: 'DL - treatment', type: 'v', parameter: [t('name', 'booking.treatment')] },
      { name: 'DL - dob', type: 'v', parameter: [t('name', 'patient.dob')] },
      { name: 'Cookie - internal', type: 'k', parameter: [t('name', 'internal')] },
      { name: 'Const - Meta token', type: 'c', parameter: [t('value', META_TOKEN_IN_CONSTANT)] },
      { name: 'Contact details', type: 'awec', parameter: [t('mode', 'MANUAL'), t('email', '{{DL - email}}'), t('phone_number', '{{DL - phone}}')] },
    ],
    builtInVariable: [
      { type: 'pageUrl', name: 'Page URL' },
      { type: 'event', name: 'Event' },
      { type: 'formClasses', name: 'Form Classes' },
      { type: 'clickId', name: 'Click ID' },
      { type: 'formId', name: 'Form ID' },
    ],
  },
};
