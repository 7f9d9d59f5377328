// What every journey checks on each page it visits: no serious or critical axe-core violation, and
// nothing wider than the viewport (pages scroll vertically only, at 390 px as at 1280 px).
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** axe-core's serious and critical violations on the page as it is now, each with where it was found. */
async function seriousAxeViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/** Fails, naming each violation, when axe-core finds anything serious or critical. */
export async function expectNoSeriousAxe(page: Page, what: string): Promise<void> {
  expect(await seriousAxeViolations(page), `axe on ${what}`).toEqual([]);
}

/** Fails when the document is wider than the viewport, naming up to five elements that stick out. */
export async function expectNoHorizontalOverflow(page: Page, what: string): Promise<void> {
  const overflow = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const scroll = document.documentElement.scrollWidth;
    if (scroll <= w) return null;
    const sticking = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > w + 1)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${String(e.className).slice(0, 60)} "${(e.textContent ?? '').slice(0, 40)}"`);
    return `${scroll} px in ${w} px; sticking out: ${sticking.join(', ') || 'none found'}`;
  });
  expect(overflow, `${what} overflows horizontally`).toBeNull();
}
