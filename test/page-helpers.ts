// What the browser tests of the training page do to it: draw on its pad, read its numbers.
import type { Page } from 'playwright-core';

/** Draws a polyline on the pad with pointer events, in canvas fractions. */
export async function draw(page: Page, points: [number, number][]): Promise<void> {
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = (await page.locator('#pad').boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
  await page.mouse.up();
}

/** The number a result element holds in its data-value. */
export const number = async (page: Page, id: string) => Number(await page.getAttribute(`#${id}`, 'data-value'));
