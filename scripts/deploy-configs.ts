/**
 * The example files of deploy/ made runnable on a test machine: the nginx and Apache sites
 * with a throw-away self-signed certificate, test ports and a temporary folder for everything
 * the server writes. The CI check (scripts/check-deploy.ts) validates them with `nginx -t` and
 * `apache2ctl -t`; the proxy test starts the nginx one and uploads through it. The examples
 * are edited by exact replacement, each of which must apply: an example that changes shape
 * fails here instead of passing untested.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const DEPLOY_DIR = path.resolve(import.meta.dirname, "../deploy");

export interface ProxyPorts {
  http: number;
  https: number;
  /** Where QueueManager's web server listens. */
  upstream: number;
}

/** Replace each `[from, to]` once; throw when one does not apply. */
function replaceAll(text: string, file: string, pairs: [string, string][]): string {
  let out = text;
  for (const [from, to] of pairs) {
    if (!out.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}: update scripts/deploy-configs.ts with it`);
    out = out.split(from).join(to);
  }
  return out;
}

/** A self-signed certificate for 127.0.0.1 and localhost, valid one day. */
export function throwAwayCertificate(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, "test.crt");
  const key = path.join(dir, "test.key");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "pipe" });
  return { cert, key };
}

/** deploy/nginx/queuemanager.conf inside a complete nginx.conf whose files all live in `dir`; returns its path. */
export function renderNginx(dir: string, ports: ProxyPorts, tls: { cert: string; key: string }): string {
  const file = path.join(DEPLOY_DIR, "nginx/queuemanager.conf");
  const site = replaceAll(fs.readFileSync(file, "utf8"), file, [
    ["server 127.0.0.1:8000;", `server 127.0.0.1:${ports.upstream};`],
    ["    listen 80;\n    listen [::]:80;\n", `    listen 127.0.0.1:${ports.http};\n`],
    ["    listen 443 ssl;\n    listen [::]:443 ssl;\n", `    listen 127.0.0.1:${ports.https} ssl;\n`],
    ["/etc/ssl/certs/qm.example.org.crt", tls.cert],
    ["/etc/ssl/private/qm.example.org.key", tls.key],
  ]);
  fs.writeFileSync(path.join(dir, "queuemanager.conf"), site);
  for (const sub of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  const main = `daemon off;
user root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 64; }
http {
    access_log ${dir}/access.log;
    client_body_temp_path ${dir}/body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
    include ${dir}/queuemanager.conf;
}
`;
  const conf = path.join(dir, "nginx.conf");
  fs.writeFileSync(conf, main);
  return conf;
}

/** deploy/apache/queuemanager.conf inside a complete Apache configuration in `dir` (Debian's module files); returns its path. */
export function renderApache(dir: string, ports: ProxyPorts, tls: { cert: string; key: string }, modules = "/usr/lib/apache2/modules"): string {
  const file = path.join(DEPLOY_DIR, "apache/queuemanager.conf");
  const site = replaceAll(fs.readFileSync(file, "utf8"), file, [
    ["<VirtualHost *:80>", `<VirtualHost 127.0.0.1:${ports.http}>`],
    ["<VirtualHost *:443>", `<VirtualHost 127.0.0.1:${ports.https}>`],
    ["http://127.0.0.1:8000/", `http://127.0.0.1:${ports.upstream}/`],
    ["/etc/ssl/certs/qm.example.org.crt", tls.cert],
    ["/etc/ssl/private/qm.example.org.key", tls.key],
  ]);
  fs.writeFileSync(path.join(dir, "queuemanager.conf"), site);
  const needed = ["mpm_event", "authz_core", "ssl", "socache_shmcb", "proxy", "proxy_http", "headers", "alias"];
  const main = `ServerRoot ${dir}
ServerName 127.0.0.1
PidFile ${dir}/apache.pid
ErrorLog ${dir}/error.log
DefaultRuntimeDir ${dir}
Mutex file:${dir}
${needed.map((m) => `LoadModule ${m}_module ${modules}/mod_${m}.so`).join("\n")}
Listen 127.0.0.1:${ports.http}
Listen 127.0.0.1:${ports.https}
Include ${dir}/queuemanager.conf
`;
  const conf = path.join(dir, "apache2.conf");
  fs.writeFileSync(conf, main);
  return conf;
}
