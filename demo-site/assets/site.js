// The clinic's own script: tabs on "Find a doctor" switch specialties without a reload
// (history.pushState), as single-page sites do.
document.addEventListener('click', (event) => {
  const tab = event.target.closest('[data-specialty]');
  if (!tab) return;
  const specialty = tab.getAttribute('data-specialty');
  history.pushState({ specialty }, '', `/find-a-doctor/${specialty}`);
  showSpecialty(specialty);
});

function showSpecialty(specialty) {
  document.querySelectorAll('[data-specialty]').forEach((b) => b.setAttribute('aria-selected', String(b.getAttribute('data-specialty') === specialty)));
  document.querySelectorAll('[data-list]').forEach((l) => { l.hidden = l.getAttribute('data-list') !== specialty; });
}

addEventListener('popstate', () => {
  const match = location.pathname.match(/^\/find-a-doctor\/([a-z-]+)$/);
  if (match) showSpecialty(match[1]);
});

// Embeds from other companies (a YouTube player, a Google map) are blocked by Palisade: the
// guard removes their address and the Content-Security-Policy refuses the frame. Instead of an
// empty box, say what was there and why it is not.
function placeholderFor(frame) {
  const box = document.createElement('div');
  box.className = 'embed blocked';
  box.setAttribute('role', 'note');
  const title = document.createElement('strong');
  title.textContent = `${frame.dataset.vendor || 'Third-party'} embed blocked`;
  const why = document.createElement('span');
  why.textContent =
    `This ${frame.title ? `"${frame.title}" ` : ''}player would load from ${frame.dataset.vendor || 'another company'}'s servers, ` +
    'which would learn which page of our site you are reading, and who you are if you are signed in there. ' +
    'We keep health pages private, so it is not loaded.';
  const how = document.createElement('small');
  how.textContent = 'Blocked by Palisade. A site allows an embed it has a business associate agreement for with browser.allowEmbeds in its config.';
  box.append(title, why, how);
  return box;
}

// The guard removes the address of a frame it blocks; an allowed embed (browser.allowEmbeds) keeps it.
for (const frame of document.querySelectorAll('iframe.embed')) {
  if (!frame.hasAttribute('src')) frame.replaceWith(placeholderFor(frame));
}

// The clinic's consent bar, shown until the visitor chooses. Analytics are on by default (the
// script tag's data-consent-default); ad measurement waits for a yes. Either way the ad
// platforms get no identifier of the visitor unless they also sign the marketing authorization
// on the booking page.
function consentBar() {
  const asked = 'riverbend_consent_asked';
  if (localStorage.getItem(asked) || !window.palisade) return;
  const bar = document.createElement('aside');
  bar.className = 'consent-bar';
  bar.setAttribute('aria-label', 'Privacy choices');
  const text = document.createElement('p');
  text.textContent =
    'We measure how our site is used, without anything that identifies you. May we also tell our advertising partners which ads led to a visit? They get no name, email or address of yours.';
  const yes = document.createElement('button');
  yes.className = 'btn';
  yes.id = 'consent-allow-ads';
  yes.textContent = 'Allow ad measurement';
  const no = document.createElement('button');
  no.className = 'btn secondary';
  no.id = 'consent-deny-ads';
  no.textContent = 'No thanks';
  const choose = (advertising) => () => {
    window.palisade.consent.set({ advertising });
    localStorage.setItem(asked, '1');
    bar.remove();
  };
  yes.addEventListener('click', choose(true));
  no.addEventListener('click', choose(false));
  bar.append(text, yes, no);
  // Above the page, not over it: nothing the visitor came for is hidden behind it.
  document.body.prepend(bar);
}
consentBar();

// A marketing authorization ends on its expiry date (the booking page records it).
const authorizedUntil = Number(localStorage.getItem('riverbend_authorized_until'));
if (authorizedUntil && authorizedUntil < Date.now() && window.palisade) {
  window.palisade.consent.set({ authorization: false });
  localStorage.removeItem('riverbend_authorized_until');
}
