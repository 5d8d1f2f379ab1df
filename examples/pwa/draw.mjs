// The drawing pad and its 8x8 image. The UCI digits were made from 32x32
// binary bitmaps of size-normalised handwriting, each 4x4 block counted into
// one pixel of 0..16; toDigitPixels does the same to the ink on the pad.

const INK = "#000";

/**
 * Lets a person draw on `canvas` with a mouse, finger or pen (pointer events);
 * `onStroke` runs when a stroke ends.
 */
export function drawingPad(canvas, onStroke) {
  const g = canvas.getContext("2d", { willReadFrequently: true });
  g.lineCap = "round";
  g.lineJoin = "round";
  g.lineWidth = canvas.width / 12;
  g.strokeStyle = INK;
  let last = null;
  const at = (e) => {
    const box = canvas.getBoundingClientRect();
    return [((e.clientX - box.left) * canvas.width) / box.width, ((e.clientY - box.top) * canvas.height) / box.height];
  };
  canvas.addEventListener("pointerdown", (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
    g.beginPath();
    g.arc(last[0], last[1], g.lineWidth / 2, 0, 2 * Math.PI);
    g.fillStyle = INK;
    g.fill();
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!last) return;
    const p = at(e);
    g.beginPath();
    g.moveTo(last[0], last[1]);
    g.lineTo(p[0], p[1]);
    g.stroke();
    last = p;
  });
  const end = () => {
    if (!last) return;
    last = null;
    onStroke();
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  return { clear: () => g.clearRect(0, 0, canvas.width, canvas.height) };
}

/**
 * The pad's ink as the digits' 64 pixels (0..16, row-major), or null when
 * nothing is drawn: the ink's bounding box scaled to fill a 32x32 square
 * (keeping its aspect, centred), thresholded, and counted per 4x4 block.
 */
export function toDigitPixels(canvas) {
  const { width, height } = canvas;
  const alpha = (data, i) => data[i * 4 + 3];
  const src = canvas.getContext("2d", { willReadFrequently: true }).getImageData(0, 0, width, height).data;
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; ++y) {
    for (let x = 0; x < width; ++x) {
      if (alpha(src, y * width + x) < 128) continue;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x);
      y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) return null;
  const w = x1 - x0 + 1, h = y1 - y0 + 1;
  const scale = 32 / Math.max(w, h);
  const small = new OffscreenCanvas(32, 32);
  const g = small.getContext("2d", { willReadFrequently: true });
  g.drawImage(canvas, x0, y0, w, h, (32 - w * scale) / 2, (32 - h * scale) / 2, w * scale, h * scale);
  const bitmap = g.getImageData(0, 0, 32, 32).data;
  const pixels = new Array(64).fill(0);
  for (let y = 0; y < 32; ++y) {
    for (let x = 0; x < 32; ++x) {
      if (alpha(bitmap, y * 32 + x) >= 128) pixels[(y >> 2) * 8 + (x >> 2)] += 1;
    }
  }
  return pixels;
}

/** Paints 64 pixels of 0..16 on `canvas` as an 8x8 grey image (16 = black). */
export function showDigitPixels(canvas, pixels) {
  const g = canvas.getContext("2d");
  const cell = canvas.width / 8;
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (!pixels) return;
  pixels.forEach((v, i) => {
    const level = Math.round(255 * (1 - v / 16));
    g.fillStyle = `rgb(${level},${level},${level})`;
    g.fillRect((i % 8) * cell, Math.floor(i / 8) * cell, cell, cell);
  });
}
