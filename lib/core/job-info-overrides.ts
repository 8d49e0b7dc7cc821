/**
 * Fill or override keys of a job's info file with values typed in the submit form, so
 * that the file in the job folder says what the worker will use. Everything else in the
 * file (comments, other keys, other sections) is kept as it was.
 */
import { AppError } from "./app-error";
import { escapeInterpolation, parseIni, serializeIni, setIniValue } from "./config-parser";
import { readDirectives, scriptLines } from "./job-directives";

/** Values from the submit form; an absent key leaves the file's value alone. */
export interface InfoOverrides {
  e_mail?: string;
  info?: string;
  nb_proc?: number;
  nb_gpu?: number;
  priority?: number;
  /** Queue keys (lib/core/queue-options.ts). */
  hold?: "yes" | "no";
  after_ok?: string;
  after_any?: string;
  array?: string;
  array_index?: number;
}

const OWNER_KEYS = ["e_mail", "e-mail", "email"];

type Values = ReadonlyArray<readonly [string, string]>;

function valuesOf(overrides: InfoOverrides): Values {
  return Object.entries(overrides)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => [k, String(v).replace(/\s*[\r\n]+\s*/g, " ").trim()] as const);
}

/** The info file's text with `overrides` written into it (.cfg or .xml, by file name). */
export function applyInfoOverrides(fileName: string, text: string, overrides: InfoOverrides): string {
  const values = valuesOf(overrides);
  if (values.length === 0) return text;
  return fileName.toLowerCase().endsWith(".xml") ? overrideXml(fileName, text, values) : overrideCfg(fileName, text, values);
}

/**
 * A single-script job's text with `overrides` written as #QM lines: a directive already
 * there is rewritten in place, a new one goes after the last directive. The rest of the
 * script is left byte for byte.
 */
export function applyDirectiveOverrides(fileName: string, text: string, overrides: InfoOverrides): string {
  const values = valuesOf(overrides);
  const block = values.length ? readDirectives(fileName, text) : null;
  if (!block) return text;
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = scriptLines(text);
  const added: string[] = [];
  for (const [key, value] of values) {
    const spelling = key === "e_mail" ? (OWNER_KEYS.find((k) => block.lineOf[k]) ?? key) : key;
    const line = block.lineOf[spelling];
    if (line) lines[line - 1] = `#QM ${spelling}=${value}`;
    else added.push(`#QM ${spelling}=${value}`);
  }
  lines.splice(block.lastDirective + 1, 0, ...added);
  return `${lines.join(eol)}${/\r?\n$/.test(text) ? eol : ""}`;
}

function overrideCfg(fileName: string, text: string, values: Values): string {
  const doc = parseIni(text, fileName);
  const section = doc.lines.find((l) => l.kind === "section" && l.name.toLowerCase() === "qmoptions");
  const sectionName = section && section.kind === "section" ? section.name : "QMOptions";
  const present = new Set(doc.lines.flatMap((l) => (l.kind === "entry" ? [l.name] : [])));
  for (const [key, value] of values) {
    // e_mail also goes by e-mail / email: rewrite the spelling the file already uses.
    const target = key === "e_mail" ? (OWNER_KEYS.find((k) => present.has(k)) ?? key) : key;
    // The file is read with Python's interpolation (interpolateSection).
    setIniValue(doc, sectionName, target, escapeInterpolation(value));
  }
  return serializeIni(doc);
}

/** A value attribute, escaped so that parseJobInfo reads back exactly `value`. */
function xmlAttribute(value: string): string {
  const escaped = value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return `value="${escaped}"`;
}

/** `text` with every comment blanked out, character for character, so that indexes still match. */
const withoutComments = (text: string) => text.replace(/<!--[\s\S]*?-->/g, (comment) => " ".repeat(comment.length));

/**
 * XML is edited as text, element by element, so that the rest of the file stays
 * byte-for-byte: `<key value="..."/>` gets its value attribute rewritten (or added),
 * `<key>text</key>` gets its text replaced, a missing key is added before the root's closing tag.
 */
function overrideXml(fileName: string, text: string, values: Values): string {
  let out = text;
  for (const [key, value] of values) {
    const names = key === "e_mail" ? OWNER_KEYS : [key];
    const tag = names.map((n) => n.replace(/-/g, "\\-")).join("|");
    const element = new RegExp(`<(${tag})(\\s[^<>]*?)?(/?)>`, "gi");
    // Elements are looked for outside comments (`<!-- <nb_proc value="12"/> -->` is not the
    // key); of a key written twice, the last, which is the one read.
    // e_mail: the spelling the reader prefers (job-info.ts), when the file has several.
    const matches = [...withoutComments(out).matchAll(element)];
    const spelling = names.find((n) => matches.some((m) => m[1].toLowerCase() === n));
    const match = matches.filter((m) => m[1].toLowerCase() === spelling).at(-1);
    const attr = xmlAttribute(value);
    if (match) {
      const [whole, name, attrs = "", selfClosing] = match;
      const valueAttr = /(\s)value\s*=\s*("[^"]*"|'[^']*')/i;
      const newAttrs = valueAttr.test(attrs) ? attrs.replace(valueAttr, (_m, space: string) => `${space}${attr}`) : `${attrs} ${attr}`;
      if (selfClosing || valueAttr.test(attrs)) {
        out = out.slice(0, match.index) + `<${name}${newAttrs}${selfClosing}>` + out.slice(match.index + whole.length);
      } else {
        // <key>text</key>: the text is the value.
        const close = new RegExp(`</${name}\\s*>`, "i");
        const rest = out.slice(match.index + whole.length);
        const end = close.exec(withoutComments(rest));
        if (!end) throw new AppError("INVALID_INPUT", `${fileName}: <${name}> is not closed`);
        out = out.slice(0, match.index) + `<${name}${newAttrs}/>` + rest.slice(end.index + end[0].length);
      }
      continue;
    }
    // The root element's closing tag (<PARAMETER> as documented, or whatever root a QM 0.4
    // file has: job-info.ts reads keys under any).
    const root = /<\/[^\s<>/]+\s*>(?=\s*$)/.exec(withoutComments(out));
    if (!root) throw new AppError("INVALID_INPUT", `${fileName} has no closing root element; wrap the keys in <PARAMETER>...</PARAMETER>`);
    const indent = /\n([ \t]+)</.exec(out)?.[1] ?? "    ";
    out = `${out.slice(0, root.index)}${indent}<${key} ${attr}/>\n${out.slice(root.index)}`;
  }
  return out;
}
