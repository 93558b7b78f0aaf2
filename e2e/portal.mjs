// What the browser tests share: the portal's address, Chromium, a page per person
// signed in through the demo's sign-in page, and screenshots.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const baseUrl = process.env.E2E_BASE_URL ?? 'http://localhost:3000';
const screenshots = path.resolve(import.meta.dirname, 'screenshots');
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser() {
  fs.mkdirSync(screenshots, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
  });
}

/** A browser context of its own per person: signing in as one never signs out another. */
export async function signedIn(browser, user, url, { screenshot } = {}) {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  page.setDefaultTimeout(30_000);
  // The dev server's first loads, with every browser test starting at once on a
  // loaded machine, have taken more than the default 30 s.
  await page.goto(url, { timeout: 120_000 });
  const signIn = page.getByRole('button', { name: `Sign in as ${user}` });
  await signIn.waitFor();
  if (screenshot) await shot(page, screenshot);
  await signIn.click();
  return page;
}

export function shot(page, name) {
  return page.screenshot({
    path: path.join(screenshots, `${name}.png`),
    fullPage: true,
  });
}

/** A screenshot of one part of the page, e.g. a panel, to look at it closely. */
export function shotOf(locator, name) {
  return locator.screenshot({ path: path.join(screenshots, `${name}.png`) });
}
