// The first convolution's filters and activation maps as small images: filters in diverging
// colours (red positive, blue negative weights, white 0), maps in grey (black 0, white the
// largest value) when they are all ≥ 0, as after a relu, else diverging too; each image
// scaled by its own largest magnitude, so that every one shows its pattern however small.
import type { FirstLayer } from './protocol.js';

const NEGATIVE = [33, 102, 172], POSITIVE = [178, 24, 43];

/** Exactly `count` canvases of side × side pixels in `box`, made anew only when the count or size changes. */
function canvases(box: HTMLElement, count: number, side: number): HTMLCanvasElement[] {
  const existing = Array.from(box.querySelectorAll('canvas'));
  if (existing.length === count && existing.every((c) => c.width === side)) return existing;
  box.replaceChildren(...Array.from({ length: count }, (_, i) => {
    const c = document.createElement('canvas');
    c.width = c.height = side;
    c.dataset.index = String(i);
    return c;
  }));
  return Array.from(box.querySelectorAll('canvas'));
}

/** Paints `canvas` with value(p) for each pixel p, as the colour `colour` gives for value / its largest magnitude. */
function paint(canvas: HTMLCanvasElement, value: (p: number) => number, colour: (t: number) => number[]): void {
  const n = canvas.width * canvas.height;
  let largest = 0;
  for (let p = 0; p < n; p++) largest = Math.max(largest, Math.abs(value(p)));
  const image = new ImageData(canvas.width, canvas.height);
  for (let p = 0; p < n; p++) {
    image.data.set(colour(largest ? value(p) / largest : 0), 4 * p);
    image.data[4 * p + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(image, 0, 0);
}

/** White at 0 towards POSITIVE at 1 or NEGATIVE at −1. */
const diverging = (t: number) => (t < 0 ? NEGATIVE : POSITIVE).map((c) => 255 + (c - 255) * Math.abs(t));
const grey = (t: number) => [255 * t, 255 * t, 255 * t];

/** Shows `layer` in the section with the given elements; hides the maps when it has none. */
export function showFirstLayer(els: { caption: HTMLElement; filters: HTMLElement; maps: HTMLElement; mapsCaption: HTMLElement }, layer: FirstLayer): void {
  const { count, size, filters, maps, after } = layer;
  els.caption.textContent = `Its ${count} filters, ${size}×${size} weights each (red positive, blue negative):`;
  canvases(els.filters, count, size).forEach((c, f) => paint(c, (p) => filters[f * size * size + p], diverging));
  els.maps.hidden = !maps;
  els.mapsCaption.textContent = maps
    ? `Their activation maps for the drawn digit${after.length ? ` (after ${after.join(' and ')})` : ''}:`
    : 'Draw a digit to see its activation maps.';
  if (!maps) return;
  const side = Math.sqrt(maps.length / count);
  const colour = maps.some((v) => v < 0) ? diverging : grey;
  canvases(els.maps, count, side).forEach((c, f) => paint(c, (p) => maps[p * count + f], colour));
}
