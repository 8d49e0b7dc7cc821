/**
 * QMserv.cfg on disk: read (writing a commented default when none exists), write
 * atomically keeping every comment and unknown key, and resolve QM_FOLDER.
 */
import fs from "node:fs";
import path from "node:path";
import { type IniDocument, parseIni, serializeIni } from "../core/config-parser";
import type { MailEnv } from "../core/mail-settings";
import { type QmConfig, defaultConfigText, readQmConfig } from "../core/qm-config";
import { loadMailEnv } from "./env";

export interface LoadedConfig {
  path: string;
  doc: IniDocument;
  config: QmConfig;
}

/** Read and check QMserv.cfg. When the file is missing, write the default first. */
export function loadConfigFile(configPath: string, defaultQmFolder: string): LoadedConfig {
  if (!fs.existsSync(configPath)) {
    fs.mkdirSync(path.dirname(configPath), { recursive: true });
    const relative = path.relative(path.dirname(configPath), defaultQmFolder) || ".";
    writeFileAtomic(configPath, defaultConfigText(relative));
  }
  return parseConfigText(configPath, fs.readFileSync(configPath, "utf8"));
}

/** Parse and check QMserv.cfg's text; the mail keys fall back on the environment as in QM 0.4. */
export function parseConfigText(configPath: string, text: string, mailEnv: MailEnv = loadMailEnv()): LoadedConfig {
  const doc = parseIni(text, path.basename(configPath));
  const config = readQmConfig(doc, (p) => path.resolve(path.dirname(configPath), p), mailEnv);
  return { path: configPath, doc, config };
}

export function saveConfigDoc(configPath: string, doc: IniDocument): void {
  writeFileAtomic(configPath, serializeIni(doc));
}

/** Write to a temporary file beside the target, then rename over it. */
export function writeFileAtomic(file: string, content: string | Buffer): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  fs.writeFileSync(tmp, content);
  try {
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}
