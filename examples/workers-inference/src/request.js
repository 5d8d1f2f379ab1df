// Reads and checks the body of POST /predict. Every problem becomes an
// HttpError (400, or 413 for a body over the limit) whose message says what
// was wrong, so the client gets a JSON error instead of a crash.

export const PIXELS = 64; // 8x8 images, as in the UCI digits the model was trained on
export const MAX_PIXEL = 16; // their pixel scale: 0 (white) .. 16 (black)
export const MAX_BATCH = 64;
export const MAX_BODY_BYTES = 128 * 1024;

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const bad = (message) => new HttpError(400, `[predict] ${message}`);

/**
 * The images of a request: `{pixels, rows, batched}` with pixels scaled to
 * [0, 1] (divided by 16, as examples/demo.mjs does for training), row-major.
 */
export async function readImages(request) {
  const text = await readText(request);
  let body;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw bad(`the body is not JSON (${e.message})`);
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw bad('the body must be a JSON object {"pixels": [...]}');
  }
  const extra = Object.keys(body).filter((k) => k !== "pixels");
  if (extra.length > 0) throw bad(`unknown field ${JSON.stringify(extra[0])}; the body has only "pixels"`);
  const { pixels } = body;
  if (!Array.isArray(pixels)) throw bad(`"pixels" must be an array of ${PIXELS} numbers or an array of such arrays`);

  const batched = pixels.length > 0 && Array.isArray(pixels[0]);
  const rows = batched ? pixels : [pixels];
  if (batched && rows.length > MAX_BATCH) throw bad(`a batch holds at most ${MAX_BATCH} images, got ${rows.length}`);
  const out = new Float32Array(rows.length * PIXELS);
  rows.forEach((row, r) => {
    const where = batched ? `pixels[${r}]` : "pixels";
    if (!Array.isArray(row)) throw bad(`${where} must be an array of ${PIXELS} numbers (a batch is an array of images)`);
    if (row.length !== PIXELS) throw bad(`${where} must have ${PIXELS} values (8x8 pixels), got ${row.length}`);
    row.forEach((v, i) => {
      if (typeof v !== "number" || !(v >= 0 && v <= MAX_PIXEL)) {
        throw bad(`${where}[${i}] is ${shown(v)}; pixels are numbers in [0, ${MAX_PIXEL}]`);
      }
      out[r * PIXELS + i] = v / MAX_PIXEL;
    });
  });
  return { pixels: out, rows: rows.length, batched };
}

/** A JSON value for an error message: short, and never the whole of a big object. */
function shown(v) {
  if (Array.isArray(v)) return "an array";
  if (v !== null && typeof v === "object") return "an object";
  const text = typeof v === "number" ? String(v) : JSON.stringify(v); // 1e999 parses as Infinity
  return text.length > 24 ? `${text.slice(0, 24)}...` : text;
}

/** The body as UTF-8 text, refusing more than MAX_BODY_BYTES without reading it all. */
async function readText(request) {
  const tooLarge = () => new HttpError(413, `[predict] the body is larger than ${MAX_BODY_BYTES} bytes`);
  if (Number(request.headers.get("content-length")) > MAX_BODY_BYTES) throw tooLarge();
  if (request.body === null) throw bad("the body is empty; send JSON");
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw bad("the body is not UTF-8 text");
  }
}
