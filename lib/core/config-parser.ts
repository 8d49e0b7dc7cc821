/**
 * Python ConfigParser's dialect, as QM's files use it: `[section]`, `key = value` and
 * `key : value` (the first of `=` or `:` splits), keys case-insensitive, full-line `#`
 * and `;` comments, continuation lines indented deeper than their key (keys may be
 * indented themselves, as people indent them under a header). No inline comments: a `;`
 * inside a value is part of it (Python 3 default). Values are read as written; info files add
 * Python's interpolation on top (interpolateSection).
 *
 * The parsed document keeps every line so that editing a value and writing the file
 * back preserves comments, order, spelling of keys and unknown sections.
 */
import { AppError } from "./app-error";

/** One entry `key = value`, possibly continued on indented lines. */
export interface IniEntry {
  kind: "entry";
  /** The key as written in the file. */
  key: string;
  /** Lower-cased key: what lookups use. */
  name: string;
  /** The text before the value, e.g. `nb_proc : ` (kept when the value is rewritten). */
  lead: string;
  /** The value's lines (first line plus continuations), already stripped. */
  value: string;
  /** The raw lines of this entry as they stand in the file. */
  raw: string[];
  /** The comment lines directly above the entry (annotations such as `# %integer%`). */
  comments: string[];
  line: number;
  /** Characters of white space before the key: a continuation line is indented deeper. */
  indent: number;
}

export type IniLine =
  | { kind: "blank" | "comment"; raw: string }
  | { kind: "section"; name: string; raw: string; line: number }
  | IniEntry;

export interface IniDocument {
  lines: IniLine[];
  /** The file's line ending (`\r\n` for a file written on Windows) and byte-order mark, written back as found. */
  eol?: "\n" | "\r\n";
  bom?: boolean;
}

// As Python's SECTCRE, matched at the start only: `[QMOptions]  # options` is a header.
const SECTION = /^\[(.+)\]/;

export function parseIni(text: string, fileName = "file"): IniDocument {
  const lines: IniLine[] = [];
  let section: string | null = null;
  let current: IniEntry | null = null;
  let pendingComments: string[] = [];
  const src = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (src.length && src[src.length - 1] === "") src.pop();

  src.forEach((raw, index) => {
    const lineNo = index + 1;
    const trimmed = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    if (trimmed === "") {
      current = null;
      pendingComments = [];
      lines.push({ kind: "blank", raw });
      return;
    }
    if (trimmed.startsWith("#") || trimmed.startsWith(";")) {
      // A comment line never continues a value (Python strips full-line comments first).
      pendingComments.push(trimmed);
      lines.push({ kind: "comment", raw });
      return;
    }
    // Python's rule: a continuation is indented deeper than its key, so that keys indented
    // alike under a header are separate keys.
    if (current && indent > current.indent) {
      current.value = current.value === "" ? trimmed : `${current.value}\n${trimmed}`;
      current.raw.push(raw);
      return;
    }
    const header = SECTION.exec(trimmed);
    if (header) {
      section = header[1];
      current = null;
      pendingComments = [];
      lines.push({ kind: "section", name: section, raw, line: lineNo });
      return;
    }
    if (section === null) {
      throw new AppError(
        "INVALID_INPUT",
        `${fileName} line ${lineNo}: "${trimmed}" comes before any [section] header; add a header such as [QMOptions] above it`,
      );
    }
    const cut = firstDelimiter(raw);
    if (cut < 0) {
      throw new AppError(
        "INVALID_INPUT",
        `${fileName} line ${lineNo}: "${trimmed}" is not of the form "key = value" or "key : value"`,
      );
    }
    const key = raw.slice(0, cut).trim();
    if (!key) {
      throw new AppError("INVALID_INPUT", `${fileName} line ${lineNo}: an entry has no key before "${raw[cut]}"`);
    }
    const afterDelim = raw.slice(cut + 1);
    const valueStart = cut + 1 + (afterDelim.length - afterDelim.trimStart().length);
    current = {
      kind: "entry",
      key,
      name: key.toLowerCase(),
      lead: raw.slice(0, valueStart),
      value: raw.slice(valueStart).trim(),
      raw: [raw],
      comments: pendingComments,
      line: lineNo,
      indent,
    };
    pendingComments = [];
    lines.push(current);
  });
  return { lines, eol: /\r\n/.test(text) ? "\r\n" : "\n", bom: text.startsWith("\uFEFF") };
}

function firstDelimiter(raw: string): number {
  const eq = raw.indexOf("=");
  const colon = raw.indexOf(":");
  if (eq < 0) return colon;
  if (colon < 0) return eq;
  return Math.min(eq, colon);
}

/** Sections in file order, each a map of lower-cased key -> value (later keys win). */
export function iniSections(doc: IniDocument): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  for (const line of doc.lines) {
    if (line.kind === "section") {
      section = out.get(line.name) ?? new Map();
      out.set(line.name, section);
    } else if (line.kind === "entry" && section) {
      section.set(line.name, line.value);
    }
  }
  return out;
}

/**
 * A section's values as Python's ConfigParser (BasicInterpolation) gives them: `%%` is one
 * `%`, and `%(key)s` is the value of that key of the same section (itself interpolated, up
 * to 10 levels, as Python). Where Python would refuse (a lone `%` as in `50% done`, a key
 * that is not there) the text is kept as written rather than the file refused.
 */
export function interpolateSection(section: Map<string, string>): Map<string, string> {
  const expand = (value: string, depth: number): string =>
    value.replace(/%(%|\(([^)]+)\)s)/g, (whole, what: string, key?: string) => {
      if (what === "%") return "%";
      const referenced = section.get(key!.toLowerCase());
      return referenced === undefined || depth >= 10 ? whole : expand(referenced, depth + 1);
    });
  return new Map([...section].map(([key, value]) => [key, expand(value, 1)]));
}

/**
 * Section `name` as Python's ConfigParser gives it (QM read QMserv.cfg and info files that
 * way): the keys of [DEFAULT] it does not set itself, and every value interpolated.
 */
export function pythonSection(sections: Map<string, Map<string, string>>, name: string): Map<string, string> {
  return interpolateSection(new Map([...(sections.get("DEFAULT") ?? []), ...(sections.get(name) ?? [])]));
}

/**
 * `value` written so that interpolateSection reads it back exactly: a `%` is doubled only
 * where reading would change it (before another `%` or a `(`), so `1-20%4` stays as typed.
 */
export const escapeInterpolation = (value: string) => value.replace(/%(?=[%(])/g, "%%");

/** Entries of one section with their comments (for annotation-driven forms). */
export function iniEntries(doc: IniDocument, sectionName: string): IniEntry[] {
  const entries: IniEntry[] = [];
  let inside = false;
  for (const line of doc.lines) {
    if (line.kind === "section") inside = line.name === sectionName;
    else if (inside && line.kind === "entry") entries.push(line);
  }
  return entries;
}

/**
 * Keys set more than once in a section with different values. Python's ConfigParser (3)
 * refused such a file; reading on would take one of them silently (the later), so a value
 * added at the top of a section would be ignored for the same key further down.
 */
export function conflictingEntries(doc: IniDocument, sectionName: string): IniEntry[][] {
  const byName = new Map<string, IniEntry[]>();
  for (const entry of iniEntries(doc, sectionName)) byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);
  return [...byName.values()].filter((entries) => new Set(entries.map((e) => e.value)).size > 1);
}

function renderEntry(lead: string, value: string): string[] {
  const [first, ...rest] = value.split("\n");
  // Continuation lines go one tab deeper than the key, however the key is indented.
  const deeper = `${lead.slice(0, lead.length - lead.trimStart().length)}\t`;
  return [`${lead}${first}`.trimEnd(), ...rest.map((l) => `${deeper}${l}`)];
}

/**
 * Set `key` in `sectionName` to `value`, in place: an existing entry keeps its spelling,
 * delimiter and comments (a key set more than once gets the value everywhere: the file then
 * says one thing); a new key goes after the section's last entry; a missing section is
 * appended at the end.
 */
export function setIniValue(doc: IniDocument, sectionName: string, key: string, value: string): void {
  const name = key.toLowerCase();
  let inside = false;
  let lastInSection = -1;
  const found: IniEntry[] = [];
  doc.lines.forEach((line, i) => {
    if (line.kind === "section") {
      inside = line.name === sectionName;
      if (inside) lastInSection = i;
    } else if (inside && line.kind === "entry") {
      lastInSection = i;
      if (line.name === name) found.push(line);
    }
  });
  for (const entry of found) {
    entry.value = value;
    // An empty `key =` lost the space after its delimiter when written: give it back.
    const lead = /\s[=:]$/.test(entry.lead) && value ? `${entry.lead} ` : entry.lead;
    entry.raw = renderEntry(lead, value);
  }
  if (found.length) return;
  const lead = `${key} = `;
  const entry: IniEntry = { kind: "entry", key, name, lead, value, raw: renderEntry(lead, value), comments: [], line: 0, indent: 0 };
  if (lastInSection < 0) {
    if (doc.lines.length && doc.lines[doc.lines.length - 1].kind !== "blank") doc.lines.push({ kind: "blank", raw: "" });
    doc.lines.push({ kind: "section", name: sectionName, raw: `[${sectionName}]`, line: 0 });
    doc.lines.push(entry);
  } else {
    doc.lines.splice(lastInSection + 1, 0, entry);
  }
}

export function serializeIni(doc: IniDocument): string {
  const eol = doc.eol ?? "\n";
  return `${doc.bom ? "\uFEFF" : ""}${doc.lines.flatMap((line) => (line.kind === "entry" ? line.raw : [line.raw])).join(eol)}${eol}`;
}

/** Python's getboolean(): 1/yes/true/on and 0/no/false/off, any case; otherwise undefined. */
export function parseIniBoolean(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (["1", "yes", "true", "on"].includes(v)) return true;
  if (["0", "no", "false", "off"].includes(v)) return false;
  return undefined;
}
