// A login script for `palisade scan --login examples/scan-login.mjs`: it signs in to the demo
// clinic's patient portal, so the scan covers the pages behind it. Write one like it for your
// site: the scanner calls the default export with a Playwright page in the scan's browser
// context, and keeps whatever cookies and storage the sign-in leaves. Read credentials from the
// environment, never from this file.
export default async function signIn({ page, url }) {
  await page.goto(new URL('/portal.html', url).href);
  await page.fill('input[name=username]', process.env.SCAN_USERNAME ?? 'scanner-test-patient');
  await page.fill('input[name=password]', process.env.SCAN_PASSWORD ?? 'not-a-real-password');
  await Promise.all([page.waitForURL('**/portal-home.html'), page.click('button[type=submit]')]);
}
