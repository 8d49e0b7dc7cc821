/** QMserv.cfg files of the Python QM (0.2 and 0.4) read as they meant it. */
import { describe, expect, it } from "vitest";
import { parseIni } from "./config-parser";
import { endQueueOf } from "./end-folder";
import { defaultConfigText, readQmConfig } from "./qm-config";

// The keys of QM 0.2's README: no launch_type, no mail keys.
const QM_02 = `[QMServer]
QM_FOLDER = /home/nmr/QM
MaxNbProcessors = 12
job_file = proc_config.cfg
MailActive = False
Debug = False

[WEB_QMserver]
Host = localhost
The_Port = 8000
Licence_to_kill = True
Debug = False
`;

// QM 0.4's file: annotations of its own (%select%), Gmail keys, a port bound of 16535.
const QM_04 = `[QMServer]
# Specify the path where you have placed QM_* folders
QM_FOLDER = /data/QM
# %integer% %min:1%
MaxNbProcessors = 8
# %select:non-blocking:blocking%
launch_type = non-blocking
job_file = proc_config.cfg
MailActive = True
# if the keys are missing (commented out) the program will use Environment variables with the same name
MailSender = lab.queue@gmail.com
MailSecretKey = abcdefghijklmnop
# %boolean%
Debug = False

[WEB_QMserver]
Host = nmr-server.lab.org
# %integer% %min:1024% %max:16535%
The_Port = 9900
# %integer% %min:1% %max:16535%
Refresh_Rate = 20
Display_details = True
Delete_Jobs = True
# %boolean%
Licence_to_kill = False
Debug = False
`;

const read = (text: string, env = {}) => readQmConfig(parseIni(text), (p) => p, env);

describe("a QM 0.2 QMserv.cfg", () => {
  it("runs one job at a time (no launch_type), sends failed jobs to QM_dJobs, mails through localhost", () => {
    const config = read(QM_02);
    expect(config.launchType).toBe("blocking");
    expect(config.failedJobs).toBe("QM_dJobs");
    expect(endQueueOf("failed", config)).toBe("done");
    expect(endQueueOf("killed", config)).toBe("done");
    expect(endQueueOf("lost", config)).toBe("lost");
    expect(config.smtp).toMatchObject({ host: "localhost", port: 25, via: "default" });
  });
});

describe("a QM 0.4 QMserv.cfg", () => {
  it("keeps its launch_type, and its Gmail keys mean smtp.gmail.com:465 with TLS, logged in as MailSender", () => {
    const config = read(QM_04);
    expect(config.launchType).toBe("non-blocking");
    expect(config.web).toMatchObject({ port: 9900, refreshRate: 20, licenceToKill: false });
    expect(config.smtp).toEqual({ host: "smtp.gmail.com", port: 465, secure: true, user: "lab.queue@gmail.com", password: "abcdefghijklmnop", from: "lab.queue@gmail.com", via: "gmail" });
  });

  it("reads the forks' SendMail / SecKey, and the environment when the keys are commented out", () => {
    const forked = QM_04.replace("MailSender =", "SendMail =").replace("MailSecretKey =", "SecKey =");
    expect(read(forked).smtp).toMatchObject({ user: "lab.queue@gmail.com", password: "abcdefghijklmnop", via: "gmail" });
    const commented = QM_04.replace("MailSender =", "# MailSender =").replace("MailSecretKey =", "# MailSecretKey =");
    expect(read(commented).smtp.via).toBe("default");
    expect(read(commented, { MailSender: "env@gmail.com", MailSecretKey: "from-env" }).smtp).toMatchObject({ host: "smtp.gmail.com", user: "env@gmail.com", password: "from-env" });
  });

  it("uses smtp_host when one is set, and QM_GMAIL_SMTP_URL redirects the Gmail mails", () => {
    const relay = QM_04.replace("Debug = False\n\n[WEB", "smtp_host = mail.lab.org\nsmtp_port = 587\nDebug = False\n\n[WEB");
    expect(read(relay).smtp).toMatchObject({ host: "mail.lab.org", port: 587, via: "smtp_host", from: "QueueManager <qm@localhost>" });
    expect(read(QM_04, { gmailUrl: "smtp://127.0.0.1:2525" }).smtp).toMatchObject({ host: "127.0.0.1", port: 2525, secure: false, user: "lab.queue@gmail.com", via: "gmail" });
  });
});

describe("the QMserv.cfg we write", () => {
  it("sets non-blocking and QM_lost+found explicitly, and leaves the QM 0.4 aliases out", () => {
    const text = defaultConfigText("QM");
    expect(text).toMatch(/^launch_type = non-blocking$/m);
    expect(text).toMatch(/^Failed_Jobs = QM_lost\+found$/m);
    expect(text).not.toMatch(/^(SendMail|SecKey) =/m);
    const config = read(text);
    expect(config.failedJobs).toBe("QM_lost+found");
    expect(endQueueOf("failed", config)).toBe("lost");
    expect(endQueueOf("done", config)).toBe("done");
  });

  it("refuses a Trusted_Proxies entry that is not an address or network", () => {
    expect(() => read(QM_02.replace("[WEB_QMserver]\n", "[WEB_QMserver]\nTrusted_Proxies = 10.0.0.0/8, proxy.lab.org\n"))).toThrow(/Trusted_Proxies must list IP addresses or CIDR ranges such as 10\.0\.0\.0\/8; not: proxy\.lab\.org/);
  });
});
