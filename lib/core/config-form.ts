/**
 * The administration form for QMserv.cfg: one field per key of [QMServer] and
 * [WEB_QMserver] (type and bounds from the annotations in comments, else from the known
 * keys), and the edit that writes submitted values back into the parsed file. Secrets
 * never leave the server: the form only says whether one is set, and an empty value
 * submitted for a secret means "unchanged"; a secret is emptied by naming it in `clear`.
 */
import { type IniDocument, iniSections, setIniValue } from "./config-parser";
import { effectiveSpecs } from "./config-specs";
import { type KeySpec, type KeyType, checkValue, findKeySpec } from "./config-keys";
import type { PendingRestart } from "./startup-keys";

/** One input of the form. `id` is "Section.Key" (the key spelled as in the file). */
export interface ConfigField {
  id: string;
  section: string;
  key: string;
  type: KeyType;
  /** The current value; always "" for secrets. */
  value: string;
  /** Secrets only: whether the file holds a non-empty value. */
  set?: boolean;
  /** Whether the key is written in the file (otherwise its default applies). */
  inFile: boolean;
  /** Whether QueueManager reads this key (unknown keys are kept and editable as text). */
  known: boolean;
  default: string;
  min?: number;
  max?: number;
  choices?: string[];
  help: string;
  /** Set when a change takes effect only after a restart of the program(s) named. */
  restart?: KeySpec["restart"];
}

/** GET /api/config: the form, with the file's version to send back with an edit. */
export interface ConfigForm {
  path: string;
  /** Hash of the file as read: an edit against another version is a CONFLICT. */
  version: string;
  fields: ConfigField[];
  /** Keys saved in the file that the web server applies only after a restart. */
  restartPending?: PendingRestart[];
  /** Why the file as it is cannot be used (typed by hand): both programs keep the settings they had. */
  invalid?: string;
  /** What is read, but likely not as meant (lib/core/qm-config.ts configWarnings). */
  warnings?: string[];
}

/** PUT /api/config: the form as the file now is, and the ids of the keys written. */
export interface ConfigUpdate extends ConfigForm {
  changed: string[];
}

export const fieldId = (section: string, key: string) => `${section}.${key}`;

export function configFormFields(doc: IniDocument): ConfigField[] {
  const sections = iniSections(doc);
  return effectiveSpecs(doc).map((spec) => {
    const current = sections.get(spec.section)?.get(spec.key.toLowerCase());
    const value = current ?? spec.default;
    return {
      id: fieldId(spec.section, spec.key),
      section: spec.section,
      key: spec.key,
      type: spec.type,
      value: spec.type === "secret" ? "" : value,
      ...(spec.type === "secret" ? { set: value.trim() !== "" } : {}),
      inFile: current !== undefined,
      known: findKeySpec(spec.section, spec.key) !== undefined,
      default: spec.type === "secret" ? "" : spec.default,
      ...(spec.min !== undefined ? { min: spec.min } : {}),
      ...(spec.max !== undefined ? { max: spec.max } : {}),
      ...(spec.choices ? { choices: spec.choices } : {}),
      ...(spec.restart ? { restart: spec.restart } : {}),
      help: spec.help,
    };
  });
}

/** Check one submitted value against its field; a message for the form, or null. */
export function checkFieldValue(spec: Pick<KeySpec, "key" | "type" | "min" | "max" | "choices">, value: string): string | null {
  if (/[\r\n]/.test(value)) return `${spec.key} must fit on one line`;
  return checkValue(spec as KeySpec, value);
}

export interface ConfigEdit {
  /** Ids of the keys rewritten. */
  changed: string[];
  /** Field id -> message, for every value refused. Nothing is written when not empty. */
  errors: Record<string, string>;
}

/**
 * Write `values` (field id -> text) into `doc`. Values equal to what the file says (or,
 * for absent keys, to the default) are left alone, so an unchanged form rewrites nothing.
 */
export function applyConfigValues(doc: IniDocument, values: Record<string, string>, clear: string[] = []): ConfigEdit {
  const specs = effectiveSpecs(doc);
  const sections = iniSections(doc);
  const errors: Record<string, string> = {};
  const writes: [KeySpec, string][] = [];
  // An empty value keeps a secret (the form never shows it): emptying one is asked by name.
  for (const id of clear) {
    const spec = specs.find((s) => fieldId(s.section, s.key).toLowerCase() === id.toLowerCase());
    if (!spec || spec.type !== "secret") {
      errors[id] = `${id} is not a secret key of QMserv.cfg: only secrets are cleared this way (send an empty value for the others)`;
      continue;
    }
    if ((sections.get(spec.section)?.get(spec.key.toLowerCase()) ?? "") !== "") writes.push([spec, ""]);
  }
  for (const [id, raw] of Object.entries(values)) {
    const spec = specs.find((s) => fieldId(s.section, s.key).toLowerCase() === id.toLowerCase());
    if (!spec) {
      errors[id] = `${id} is not a key of [QMServer] or [WEB_QMserver]`;
      continue;
    }
    const value = raw.trim();
    if (spec.type === "secret" && value === "") continue;
    const problem = checkFieldValue(spec, value);
    if (problem) {
      errors[fieldId(spec.section, spec.key)] = problem;
      continue;
    }
    const current = sections.get(spec.section)?.get(spec.key.toLowerCase());
    if (value === (current ?? spec.default)) continue;
    writes.push([spec, value]);
  }
  if (Object.keys(errors).length) return { changed: [], errors };
  for (const [spec, value] of writes) setIniValue(doc, spec.section, spec.key, value);
  return { changed: writes.map(([spec]) => fieldId(spec.section, spec.key)), errors };
}

/** Map readQmConfig's error keys (canonical spelling) onto the form's field ids. */
export function errorsToFieldIds(errors: Record<string, string>, fields: Pick<ConfigField, "id">[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors)) {
    const field = fields.find((f) => f.id.toLowerCase() === key.toLowerCase());
    out[field?.id ?? key] = message;
  }
  return out;
}
