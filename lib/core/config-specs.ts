/**
 * What the admin form knows about each key of a QMserv.cfg: the known keys' specs, with
 * the annotations written in the file (`# %integer% %min:1%`) winning over them.
 */
import { type IniDocument, iniEntries } from "./config-parser";
import { KNOWN_KEYS, type KeySpec, type KeyType, findKeySpec } from "./config-keys";

const S = "QMServer" as const;
const W = "WEB_QMserver" as const;

/** Annotations written in a comment above a key: `# %integer% %min:1% %max:16535%`. */
export function parseAnnotation(comments: string[]): Partial<KeySpec> {
  const spec: Partial<KeySpec> = {};
  for (const comment of comments) {
    for (const [, tag, arg] of comment.matchAll(/%([a-z_]+)(?::([^%]*))?%/gi)) {
      const t = tag.toLowerCase();
      if (["integer", "boolean", "path", "text", "secret"].includes(t)) spec.type = t as KeyType;
      else if (t === "float") spec.type = "text";
      else if (t === "min" && arg !== undefined) spec.min = Number(arg);
      else if (t === "max" && arg !== undefined) spec.max = Number(arg);
      else if (t === "choice" && arg) {
        spec.type = "choice";
        spec.choices = arg.split("|").map((c) => c.trim());
      }
    }
  }
  return spec;
}

/** The spec of every key present in the file or known, annotations winning over defaults. */
export function effectiveSpecs(doc: IniDocument): KeySpec[] {
  const specs: KeySpec[] = [];
  const seen = new Set<string>();
  for (const section of [S, W]) {
    for (const entry of iniEntries(doc, section)) {
      // A key written twice is one field (its value the one that counts; configWarnings says so).
      if (seen.has(`${section}/${entry.name}`)) continue;
      const known = findKeySpec(section, entry.key);
      const note = parseAnnotation(entry.comments);
      specs.push({
        section,
        key: entry.key,
        type: "text",
        default: "",
        help: "",
        ...known,
        ...note,
        ...(known ? { key: entry.key } : {}),
      } as KeySpec);
      seen.add(`${section}/${entry.name}`);
    }
    for (const known of KNOWN_KEYS.filter((k) => k.section === section && !k.legacy)) {
      if (!seen.has(`${section}/${known.key.toLowerCase()}`)) specs.push(known);
    }
  }
  return specs;
}
