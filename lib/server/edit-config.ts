/**
 * The administration page's view of QMserv.cfg: the form (secrets withheld) with a
 * version (hash of the file), and the edit that validates the whole file again before
 * writing it atomically. A version that no longer matches the file means someone else
 * changed it meanwhile: CONFLICT rather than overwrite their change. The keys the worker
 * reads only at start, and pairs such as Default_Mem and Max_Mem, are checked too when
 * the edit changes them (lib/core/config-edit-problems.ts).
 */
import { createHash } from "node:crypto";
import { AppError, isAppError } from "../core/app-error";
import { type ConfigForm, type ConfigUpdate, applyConfigValues, configFormFields, errorsToFieldIds } from "../core/config-form";
import { configEditProblems } from "../core/config-edit-problems";
import { type IniDocument, parseIni, serializeIni } from "../core/config-parser";
import { type QmConfig, configWarnings } from "../core/qm-config";
import { qmFolderProblem } from "../core/archive-folder-check";
import { archivePlaces, parseConfigText, saveConfigDoc } from "./config-file";
import { parseConfigAgain, readConfigAgain, thisMachine } from "./config-reload";

const versionOf = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 32);

/**
 * `inForce`: the settings the programs run with (the last file they accepted). The file is
 * judged as they judge it when they read it again (lib/server/config-reload.ts): a problem
 * those settings do not have (a hand edit the editor would refuse, `Job_Uids = 10-20`) makes
 * them keep the previous settings, so the page says the file cannot be used.
 */
export function getConfigForm(configPath: string, inForce?: QmConfig): ConfigForm {
  const text = readConfigAgain(configPath);
  const doc = parseIni(text, "QMserv.cfg");
  const form: ConfigForm = { path: configPath, version: versionOf(text), fields: configFormFields(doc) };
  const warnings = configWarnings(doc);
  if (warnings.length) form.warnings = warnings;
  try {
    if (inForce) parseConfigAgain(configPath, text, inForce);
    else parseConfigText(configPath, text);
  } catch (error) {
    form.invalid = (error as Error).message;
  }
  return form;
}

/** Synchronous on purpose: no other request can write between the check and the rename. */
export function updateConfig(configPath: string, input: { version: string; values: Record<string, string>; clear?: string[] }, inForce?: QmConfig): ConfigUpdate {
  const text = readConfigAgain(configPath);
  if (versionOf(text) !== input.version) {
    throw new AppError("CONFLICT", "QMserv.cfg was changed by someone else since this page was loaded; reload the page and make your changes again.");
  }
  const edit = checkEdit(configPath, text, input.values, input.clear ?? [], inForce);
  if (Object.keys(edit.problems).length) throw invalid(edit.problems);
  if (edit.changed.length === 0) return { path: configPath, version: input.version, fields: configFormFields(edit.doc), changed: [] };
  saveConfigDoc(configPath, edit.doc);
  return { path: configPath, version: versionOf(serializeIni(edit.doc)), fields: configFormFields(edit.doc), changed: edit.changed };
}

/**
 * `values` (and the secrets in `clear`) applied to the file's text, and every problem that
 * refuses them, by field: a value refused as it is typed (a word where a number goes), the
 * file's check as both programs make it, and the edit's own (editProblems, the QM_FOLDER
 * rules). The values typed right are checked on even when one is refused, so that one save
 * tells all there is to fix.
 */
function checkEdit(configPath: string, text: string, values: Record<string, string>, clear: string[], inForce?: QmConfig): { doc: IniDocument; changed: string[]; problems: Record<string, string> } {
  const doc = parseIni(text, "QMserv.cfg");
  const fields = configFormFields(doc);
  /** These problems, and those of the values they are not about, checked without them. */
  const withTheRest = (problems: Record<string, string>) => {
    const refused = new Set(Object.keys(problems).map((id) => id.toLowerCase()));
    const isRefused = (id: string) => refused.has(id.toLowerCase());
    const others = Object.fromEntries(Object.entries(values).filter(([id]) => !isRefused(id)));
    const fewer = Object.keys(others).length < Object.keys(values).length;
    const rest = fewer && Object.keys(others).length ? checkEdit(configPath, text, others, clear.filter((id) => !isRefused(id)), inForce).problems : {};
    return { doc, changed: [], problems: { ...rest, ...problems } };
  };
  const edit = applyConfigValues(doc, values, clear);
  if (Object.keys(edit.errors).length) return withTheRest(edit.errors);
  if (edit.changed.length === 0) return { doc, changed: [], problems: {} };
  let config: QmConfig;
  try {
    // The same check both programs make when they read the file.
    config = parseConfigText(configPath, serializeIni(doc)).config;
  } catch (error) {
    if (isAppError(error) && error.details) return withTheRest(errorsToFieldIds(error.details, fields));
    throw error;
  }
  const problems = errorsToFieldIds({ ...editProblems(config, edit.changed, inForce), ...qmFolderProblems(configPath, text, config, values) }, fields);
  return Object.keys(problems).length ? withTheRest(problems) : { doc, changed: edit.changed, problems };
}

/**
 * The edit's problems, each on the changed keys it is about; a value the edit did not touch
 * blocks it only when the settings in force (`inForce`) do not have that problem: a value
 * typed by hand and accepted at start never blocks another change, but one typed since,
 * which both programs refuse the whole file for (lib/server/config-reload.ts), would have
 * the page say "Saved" while no change applied.
 */
function editProblems(config: QmConfig, changed: string[], inForce?: QmConfig): Record<string, string> {
  const errors: Record<string, string> = {};
  const machine = thisMachine();
  const isChanged = (key: string) => changed.some((id) => id.toLowerCase() === key.toLowerCase());
  const inForceHas = inForce ? new Set(configEditProblems(inForce, machine).map((p) => p.message)) : null;
  for (const problem of configEditProblems(config, machine)) {
    const onChanged = problem.keys.filter(isChanged);
    const keys = onChanged.length || !inForceHas || inForceHas.has(problem.message) ? onChanged : problem.keys;
    for (const key of keys) errors[key] = problem.message;
  }
  return errors;
}

/** A new QM_FOLDER, by Archive_Folder's rules (lib/core/archive-folder-check.ts) and against the one in force. */
function qmFolderProblems(configPath: string, before: string, config: QmConfig, values: Record<string, string>): Record<string, string> {
  const id = Object.keys(values).find((key) => key.toLowerCase() === "qmserver.qm_folder");
  if (id === undefined) return {};
  let current = config.qmFolder;
  try {
    current = parseConfigText(configPath, before).config.qmFolder;
  } catch {
    // The file in force did not read: no QM_FOLDER to compare with.
  }
  if (current === config.qmFolder) return {};
  const problem = qmFolderProblem(values[id].trim(), config.qmFolder, current, archivePlaces(configPath));
  return problem ? { "QMServer.QM_FOLDER": problem } : {};
}

function invalid(errors: Record<string, string>): AppError {
  const count = Object.keys(errors).length;
  // A problem of two keys (Default_Mem above Max_Mem) is on both fields, and said once.
  const messages = [...new Set(Object.values(errors))];
  return new AppError("INVALID_INPUT", `${count === 1 ? "One value needs" : `${count} values need`} fixing: ${messages.join("; ")}`, errors);
}
