// A picture made smaller, in a process of its own: the web server hands it the file as
// its standard input (a descriptor it opened and judged, lib/server/jobs/job-files.ts),
// and reads a WebP on its standard output. Decoding a job's images (hostile ones
// included) thus never grows the web server's memory nor brings it down.
//
//   node thumbnailer.mjs <max side in pixels>      exit 0: WebP on stdout; else the reason on stderr
import fs from "node:fs";
import sharp from "sharp";

const side = Number(process.argv[2]);
// Pixels decoded at most: 100 megapixels (a 10,000 x 10,000 plot) is about 400 MB raw.
const MAX_PIXELS = 100_000_000;

sharp.cache(false);
sharp.concurrency(1);

try {
  if (!Number.isInteger(side) || side < 16 || side > 4096) throw new Error(`bad size ${process.argv[2]}`);
  const input = fs.createReadStream("", { fd: 0, highWaterMark: 1 << 20 });
  const resize = sharp({ limitInputPixels: MAX_PIXELS, failOn: "error", sequentialRead: true })
    .rotate()
    .resize(side, side, { fit: "inside", withoutEnlargement: true })
    .webp({ quality: side > 400 ? 85 : 75 });
  input.pipe(resize);
  process.stdout.write(await resize.toBuffer());
} catch (error) {
  const message = String(error?.message ?? error).split("\n")[0];
  process.stderr.write(message.includes("pixel limit") ? `it has more than ${MAX_PIXELS / 1e6} megapixels` : message);
  process.exitCode = 1;
}
