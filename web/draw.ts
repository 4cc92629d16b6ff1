// A canvas to draw a digit on, and its preprocessing the MNIST way: the ink's bounding box
// scaled to fit 20×20 (aspect kept), placed in 28×28 so that its centre of mass is at the
// centre, values scaled to [0, 1] — white digit on black, as the training images are.

/** Makes `canvas` drawable with mouse, pen or touch; calls `changed` as the drawing changes. */
export function drawingPad(canvas: HTMLCanvasElement, changed: () => void): { clear(): void } {
  // Read back (getImageData) after every stroke: the browser keeps such a canvas in memory, not on the GPU.
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const clear = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  let last: [number, number] | null = null;
  const at = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!last) return;
    const p = at(e);
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = canvas.width / 12;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(...last);
    ctx.lineTo(...p);
    ctx.stroke();
    last = p;
    changed();
  });
  const end = () => {
    last = null;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  return { clear };
}

/** The drawing as 784 values in [0, 1], or null when nothing is drawn. */
export function mnistPixels(canvas: HTMLCanvasElement): Float32Array | null {
  const { width, height } = canvas;
  const ink = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[4 * (y * width + x)] > 20) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x);
        y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return null;
  const w = x1 - x0 + 1, h = y1 - y0 + 1, scale = 20 / Math.max(w, h);
  const box = new OffscreenCanvas(28, 28);
  const bctx = box.getContext('2d')!;
  bctx.fillStyle = '#000';
  bctx.fillRect(0, 0, 28, 28);
  bctx.imageSmoothingQuality = 'high';
  bctx.drawImage(canvas, x0, y0, w, h, 0, 0, w * scale, h * scale);
  const small = bctx.getImageData(0, 0, 28, 28).data;
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = small[4 * (y * 28 + x)];
      mass += v; mx += v * x; my += v * y;
    }
  }
  const dx = Math.round(14 - mx / mass), dy = Math.round(14 - my / mass);
  const out = new Float32Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const sx = x - dx, sy = y - dy;
      if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) out[y * 28 + x] = small[4 * (sy * 28 + sx)] / 255;
    }
  }
  return out;
}
