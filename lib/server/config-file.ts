/**
 * QMserv.cfg on disk: read (writing a commented default when none exists), write
 * atomically keeping every comment and unknown key, and resolve QM_FOLDER.
 */
import fs from "node:fs";
import path from "node:path";
import { type IniDocument, parseIni, serializeIni } from "../core/config-parser";
import { type QmConfig, defaultConfigText, readQmConfig } from "../core/qm-config";

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

export function parseConfigText(configPath: string, text: string): LoadedConfig {
  const doc = parseIni(text, path.basename(configPath));
  const config = readQmConfig(doc, (p) => path.resolve(path.dirname(configPath), p));
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
