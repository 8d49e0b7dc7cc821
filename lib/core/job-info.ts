/**
 * A job's info file (`proc_config.cfg` with a [QMOptions] section, or an XML
 * <PARAMETER> file): what to run, for whom, on how many processors. #QM directives in a
 * script (job-directives.ts) end in the same structure through `toJobInfo`.
 */
import { createRequire } from "node:module";
import { AppError } from "./app-error";
import { iniSections, parseIni, pythonSection } from "./config-parser";
import { parseMem, parseWalltime } from "./job-limits";
import { type SubmitNumberField, submitFieldProblem } from "./submit-fields";

/** A parsed info file (or #QM block). `params` holds every key (lower-cased), as strings. */
export interface JobInfo {
  script: string;
  nbProc: number;
  /** `nb_gpu`: GPUs the job is given for itself (default 0). */
  nbGpu: number;
  priority: number;
  owner?: string;
  info?: string;
  /** `mem`, in MiB (limits are applied by the worker). */
  memMb?: number;
  /** `walltime`, in seconds. */
  walltimeSeconds?: number;
  params: Record<string, string>;
}

/**
 * fast-xml-parser, loaded with the first XML info file: most job folders hold a
 * proc_config.cfg, and a worker that never meets an XML one stays 1.6 MB smaller.
 */
let xmlModule: typeof import("fast-xml-parser") | undefined;
const fastXmlParser = () => (xmlModule ??= createRequire(import.meta.url)("fast-xml-parser") as typeof import("fast-xml-parser"));

const OWNER_KEYS = ["e_mail", "e-mail", "email"];
/** The largest info file read: one holds a few keys. */
export const MAX_INFO_BYTES = 256 * 1024;

export const isXmlInfoFile = (fileName: string) => fileName.toLowerCase().endsWith(".xml");

export function parseJobInfo(fileName: string, text: string): JobInfo {
  if (Buffer.byteLength(text) > MAX_INFO_BYTES) {
    throw new AppError("INVALID_INPUT", `${fileName} is larger than 256 KB; an info file holds a few keys only`);
  }
  const params = isXmlInfoFile(fileName) ? readXml(fileName, text) : readCfg(fileName, text);
  // A script continued on several lines (or an XML value holding line breaks) is one command
  // line, as QM 0.4 ran it (it split the value on white space, line breaks included), not
  // one shell command per line. A line ending in `\` continues as well.
  const script = params.script?.replace(/[ \t]*\\?\r?\n[ \t]*/g, " ").trim();
  if (!script) {
    throw new AppError(
      "INVALID_INPUT",
      isXmlInfoFile(fileName)
        ? `${fileName} has no script entry; add <script value="your command"/> inside <PARAMETER>`
        : `${fileName} has no \`script\` entry in [QMOptions]; add a line such as "script = python process.py"`,
    );
  }
  return toJobInfo(params, script, () => fileName);
}

/**
 * The owner and `info` an info file names, read without judging the rest: a folder that
 * cannot run (no script, nb_proc = 0) keeps its owner, who may then delete or requeue it.
 * Null when the file cannot be read as an info file at all.
 */
export function infoFileOwner(fileName: string, text: string): { owner: string | null; info: string | null } | null {
  try {
    const params = isXmlInfoFile(fileName) ? readXml(fileName, text) : readCfg(fileName, text);
    const ownerKey = OWNER_KEYS.find((k) => params[k]?.trim());
    return { owner: ownerKey ? ownerAddress(params[ownerKey]) : null, info: params.info?.trim() || null };
  } catch {
    return null;
  }
}

/**
 * Whether `text` has the structure of an info file of its kind (by file name): a
 * [QMOptions] section, or a <PARAMETER> root element. Used to recognise an info file
 * that is not named `job_file`; it says nothing about the keys inside.
 */
export function looksLikeInfoFile(fileName: string, text: string): boolean {
  if (isXmlInfoFile(fileName)) return /^(?:\s|<\?xml[^>]*\?>|<!--[\s\S]*?-->)*<PARAMETER[\s>/]/i.test(text.replace(/^\uFEFF/, ""));
  return /^\s*\[\s*qmoptions\s*\]/im.test(text);
}

function readCfg(fileName: string, text: string): Record<string, string> {
  const sections = iniSections(parseIni(text, fileName));
  const name = [...sections.keys()].find((s) => s.toLowerCase() === "qmoptions");
  if (!name) {
    throw new AppError(
      "INVALID_INPUT",
      `${fileName} has no [QMOptions] section; put "script = <command>" under a [QMOptions] header`,
    );
  }
  // The original QM read this file with Python's ConfigParser.
  return Object.fromEntries(pythonSection(sections, name));
}

/** The XML checker's words, with the usual slip said plainly (an attribute without quotes). */
const xmlProblem = (message: string) =>
  message.replace(/^Attribute '([^']+)' is without value\.?$/, "attribute '$1' has no quoted value: write $1=\"...\" with the quotes").replace(/\.$/, "");

function readXml(fileName: string, text: string): Record<string, string> {
  // Declared entities and DTDs are never expanded: an info file has no use for them and
  // they are how XML bombs and external-entity reads work. The five predefined entities
  // and character references (`&amp;`, `&#38;`) are plain XML and are decoded, as
  // Python's ElementTree did for the original QM.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new AppError("INVALID_INPUT", `${fileName} contains a DOCTYPE or ENTITY declaration; remove it (info files need none)`);
  }
  const { XMLParser, XMLValidator } = fastXmlParser();
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new AppError(
      "INVALID_INPUT",
      `${fileName} is not well-formed XML (line ${valid.err.line}: ${xmlProblem(valid.err.msg)}); write each key as <key value="..."/> inside <PARAMETER>...</PARAMETER>, with & < " in values as &amp; &lt; &quot;`,
    );
  }
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: "",
    processEntities: true,
    htmlEntities: false,
    parseAttributeValue: false,
    parseTagValue: false,
  });
  const root = (parser.parse(text) as XmlNode[]).find((node) => elementName(node) !== undefined);
  if (!root) {
    throw new AppError("INVALID_INPUT", `${fileName} has no element; wrap the keys in <PARAMETER>...</PARAMETER>`);
  }
  // QM 0.4 read the file with a SAX handler that took every element with a `value`
  // attribute, whatever the root element's name and however deep: <PARAMETER> is the
  // documented root, not a required one. In document order, so that the last of a key
  // written twice counts, as it did there. `<key>text</key>` (an element holding only
  // text) is read as well.
  const params: Record<string, string> = {};
  const visit = (node: XmlNode) => {
    const name = elementName(node)!;
    const children = node[name] as XmlNode[];
    const value = node[":@"]?.value;
    if (value !== undefined) params[name.toLowerCase()] = decodeCharRefs(String(value));
    else if (children.length > 0 && children.every((c) => "#text" in c)) {
      params[name.toLowerCase()] = decodeCharRefs(children.map((c) => String(c["#text"])).join("").trim());
    }
    for (const child of children) if (elementName(child) !== undefined) visit(child);
  };
  for (const child of root[elementName(root)!] as XmlNode[]) if (elementName(child) !== undefined) visit(child);
  return params;
}

/** A node of fast-xml-parser's ordered output: `{ tag: children, ":@": attributes }` or `{ "#text": text }`. */
type XmlNode = Record<string, unknown> & { ":@"?: Record<string, unknown> };
const elementName = (node: XmlNode) => Object.keys(node).find((k) => k !== ":@" && k !== "#text" && !k.startsWith("?"));

/** `&#38;` and `&#x26;` (fast-xml-parser leaves them to its HTML mode, which we keep off). */
function decodeCharRefs(value: string): string {
  return value.replace(/&#(x[0-9a-f]+|\d+);/gi, (whole, ref: string) => {
    const code = ref[0].toLowerCase() === "x" ? parseInt(ref.slice(1), 16) : Number(ref);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * The keys QueueManager gives a meaning to, checked, from an info file's or a #QM block's
 * params. `where(key)` names the place of a key in messages ("run.sh line 3").
 */
export function toJobInfo(params: Record<string, string>, script: string, where: (key: string) => string): JobInfo {
  const nbProc = integerKey(where, params, "nb_proc", 1);
  const nbGpu = integerKey(where, params, "nb_gpu", 0);
  const ownerKey = OWNER_KEYS.find((k) => params[k]?.trim());
  const info: JobInfo = {
    script,
    nbProc,
    nbGpu,
    priority: integerKey(where, params, "priority", 0),
    owner: ownerKey ? ownerAddress(params[ownerKey]) : undefined,
    info: params.info?.trim() || undefined,
    params,
  };
  if (params.walltime?.trim()) {
    const walltime = parseWalltime(params.walltime);
    if ("error" in walltime) throw new AppError("INVALID_INPUT", `${where("walltime")}: ${walltime.error}`);
    info.walltimeSeconds = walltime.seconds;
  }
  if (params.mem?.trim()) {
    const mem = parseMem(params.mem);
    if ("error" in mem) throw new AppError("INVALID_INPUT", `${where("mem")}: ${mem.error}`);
    info.memMb = mem.mb;
  }
  return info;
}

/**
 * `Ann Smith <ann@lab.org>` is ann@lab.org, as QM 0.4 mailed it (smtplib kept the address
 * between the brackets), so that the mail goes and the job is hers; anything else as written.
 */
function ownerAddress(value: string): string {
  const named = /^[^<>@]*<([^<>\s@]+@[^<>\s@]+)>$/.exec(value.trim());
  return named ? named[1] : value.trim();
}

/** A whole-number key within the range a submission's field has (submit-fields.ts): the same job, however it comes. */
function integerKey(where: (key: string) => string, params: Record<string, string>, key: SubmitNumberField, fallback: number): number {
  const value = params[key]?.trim();
  if (value === undefined || value === "") return fallback;
  const problem = submitFieldProblem(key, value);
  if (problem) throw new AppError("INVALID_INPUT", `${where(key)}: ${problem} (got ${/^[+-]?\d+$/.test(value) ? value : `"${value}"`})`);
  return Number(value);
}
