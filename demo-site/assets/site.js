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
