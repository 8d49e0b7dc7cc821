/** Streaming: upload a large zip and download a large job folder as a zip. */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ZipArchive } from "archiver";
import type { QmInstance } from "../lib/qm-instance";
import { rssMb, sampleRss } from "../lib/proc";
import { waitFor } from "../lib/stats";

export interface StreamResult {
  mbPerSecond: number;
  idleRssMb: number;
  peakRssMb: number;
}

/** A zip holding an info file and `sizeMb` of incompressible data, stored (not deflated). */
export async function makeBigZip(file: string, sizeMb: number): Promise<void> {
  const out = fs.createWriteStream(file);
  const zip = new ZipArchive({ store: true });
  zip.pipe(out);
  zip.append("[QMOptions]\nscript = ls -l data.bin\nnb_proc = 1\n", { name: "big-job/proc_config.cfg" });
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i);
  let sent = 0;
  const data = new Readable({
    read() {
      if (sent >= sizeMb) return this.push(null);
      sent += 1;
      chunk.writeUInt32LE(sent, 0); // every MB differs
      this.push(Buffer.from(chunk));
    },
  });
  zip.append(data, { name: "big-job/data.bin" });
  await zip.finalize();
  await new Promise<void>((r) => out.on("close", () => r()));
}

export async function uploadBig(qm: QmInstance, zipFile: string): Promise<StreamResult & { jobId: number }> {
  const pid = qm.web!.pid!;
  const idleRssMb = rssMb(pid);
  const sampler = sampleRss(pid);
  const size = fs.statSync(zipFile).size;
  const form = new FormData();
  form.append("file", await fs.openAsBlob(zipFile), "big-job.zip");
  const t0 = performance.now();
  const res = await fetch(`${qm.baseUrl}/api/jobs`, { method: "POST", body: form, headers: { accept: "application/json", "x-qm-csrf": "1" } });
  const body = (await res.json()) as { job?: { id: number }; id?: number; error?: { message: string } };
  const seconds = (performance.now() - t0) / 1000;
  const peakRssMb = sampler.stop();
  if (!res.ok) throw new Error(`big upload failed: ${res.status} ${body.error?.message}`);
  return { mbPerSecond: size / 1e6 / seconds, idleRssMb, peakRssMb, jobId: body.job?.id ?? body.id! };
}

export async function downloadBig(qm: QmInstance, jobId: number, scratch: string): Promise<StreamResult & { bytes: number }> {
  await waitFor(() => {
    const row = qm.db.prepare("SELECT state FROM Job WHERE id = ?").get(jobId) as { state: string } | undefined;
    return row && ["done", "failed"].includes(row.state);
  }, 300_000, "the big job to finish", 100);
  const pid = qm.web!.pid!;
  const idleRssMb = rssMb(pid);
  const sampler = sampleRss(pid);
  const t0 = performance.now();
  // node:http, as curl or a browser reads it: Node's fetch body (a web stream) read by this
  // process crawled under 1 MB/s at 100% CPU while the server sat waiting to write.
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => http.get(`${qm.baseUrl}/api/jobs/${jobId}/download`, resolve).on("error", reject));
  if (res.statusCode !== 200) throw new Error(`download failed: ${res.statusCode}`);
  const target = path.join(scratch, "download.zip");
  await pipeline(res, fs.createWriteStream(target));
  const seconds = (performance.now() - t0) / 1000;
  const peakRssMb = sampler.stop();
  const bytes = fs.statSync(target).size;
  fs.rmSync(target);
  return { mbPerSecond: bytes / 1e6 / seconds, idleRssMb, peakRssMb, bytes };
}
