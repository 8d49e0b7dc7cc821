/** Fixtures of the results flows: pictures and a PDF made in the test, jobs found and waited for through the API. */
import { type APIRequestContext, type Page, expect } from "@playwright/test";
import sharp from "sharp";

/** A PNG of one colour with a darker square, `width` x `height`. */
export async function pngOf(color: string, width = 640, height = 400): Promise<Buffer> {
  const square = await sharp({ create: { width: width >> 1, height: height >> 1, channels: 3, background: "#1e293b" } }).png().toBuffer();
  return sharp({ create: { width, height, channels: 3, background: color } })
    .composite([{ input: square, left: width >> 2, top: height >> 2 }])
    .png()
    .toBuffer();
}

/** A one-page PDF saying `text`, written by hand (objects and cross-reference table). */
export function minimalPdf(text: string): string {
  const stream = `BT /F1 28 Tf 40 120 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 240] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let pdf = "%PDF-1.4\n";
  const offsets = objects.map((body, i) => {
    const at = pdf.length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  return `${pdf}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
}

/** The id of the job named `name`, once the worker made its row. */
export async function jobIdByName(request: APIRequestContext, name: string): Promise<number> {
  let id = 0;
  await expect
    .poll(async () => {
      const page = (await (await request.get(`/api/jobs?view=all&q=${encodeURIComponent(name)}`)).json()) as { jobs: { id: number; name: string }[] };
      id = page.jobs.find((j) => j.name === name)?.id ?? 0;
      return id;
    }, { timeout: 20_000 })
    .toBeGreaterThan(0);
  return id;
}

/** Wait until the job is in `state`. */
export async function waitForState(request: APIRequestContext, id: number, state: string): Promise<void> {
  await expect.poll(async () => ((await (await request.get(`/api/jobs/${id}`)).json()) as { job: { state: string } }).job.state, { timeout: 30_000 }).toBe(state);
}

/** The picture was fetched and decoded by the browser (not a broken image). */
export async function expectPictureShown(page: Page, selector: string): Promise<void> {
  await expect.poll(() => page.locator(selector).first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 20_000 }).toBeGreaterThan(0);
}
