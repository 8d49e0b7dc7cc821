/**
 * Zip files built byte by byte, for tests: lets a test make entries that no zip tool
 * would (`../evil`, absolute paths, symlinks, encrypted flags, lying sizes).
 * Used by the integration tests and the e2e specs; not used by the app.
 */
import zlib from "node:zlib";
import yauzl from "yauzl";

export interface RawEntry {
  name: string;
  data?: Buffer | string;
  /** Unix mode including the file type, e.g. 0o100644 (default), 0o120777 for a link. */
  mode?: number;
  /** Deflate the data (default true for files). */
  deflate?: boolean;
  /** Set the "encrypted" flag (the data is left as is). */
  encrypted?: boolean;
  /** The name's bytes as written, without the flag that says they are UTF-8 (as macOS's Archive Utility or an old Windows zip writes them). */
  rawName?: Buffer;
}

export function buildZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = entry.rawName ?? Buffer.from(entry.name, "utf8");
    const data = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data ?? "");
    const isDir = entry.name.endsWith("/");
    const deflate = entry.deflate ?? !isDir;
    const packed = deflate ? zlib.deflateRawSync(data, { level: 9 }) : data;
    // Traditional encryption puts a 12-byte header before the data.
    const body = entry.encrypted ? Buffer.concat([Buffer.alloc(12), packed]) : packed;
    const crc = zlib.crc32(data);
    const flags = (entry.rawName ? 0 : 0x800) | (entry.encrypted ? 0x1 : 0);
    const method = deflate ? 8 : 0;
    const mode = entry.mode ?? (isDir ? 0o040755 : 0o100644);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A valid job: proc_config.cfg and run.sh, optionally inside a top folder. */
export function jobZip(options: { folder?: string; script?: string; cfg?: string; extra?: RawEntry[] } = {}): Buffer {
  const prefix = options.folder ? `${options.folder}/` : "";
  const cfg = options.cfg ?? `[QMOptions]\n# written by a test\nnb_proc : 1\ne_mail : tester@lab.org\ninfo : a test job\nscript : ${options.script ?? "sh run.sh"}\n`;
  return buildZip([
    ...(prefix ? [{ name: prefix }] : []),
    { name: `${prefix}proc_config.cfg`, data: cfg },
    { name: `${prefix}run.sh`, data: "echo hello\nfor i in 1 2 3; do echo processing $i / 3; done\n", mode: 0o100755 },
    ...(options.extra ?? []),
  ]);
}

/** A zip made by a real zip library (archiver), as a user's zip tool would make it. */
export async function archiveZip(files: { name: string; data: string | Buffer; mode?: number }[], links: { name: string; target: string }[] = []): Promise<Buffer> {
  const { ZipArchive } = await import("archiver");
  const archive = new ZipArchive({ zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  archive.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    archive.on("end", () => resolve());
    archive.on("error", reject);
  });
  for (const file of files) archive.append(file.data, { name: file.name, mode: file.mode });
  for (const link of links) archive.symlink(link.name, link.target);
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** The entries of a zip (name -> content as text); rejects on a broken zip. */
export function unzip(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out = new Map<string, string>();
      zip.on("error", reject);
      zip.on("end", () => resolve(out));
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith("/")) return (out.set(entry.fileName, ""), zip.readEntry());
        zip.openReadStream(entry, (error, stream) => {
          if (error) return reject(error);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("error", reject);
          stream.on("end", () => (out.set(entry.fileName, Buffer.concat(chunks).toString("utf8")), zip.readEntry()));
        });
      });
      zip.readEntry();
    }),
  );
}
