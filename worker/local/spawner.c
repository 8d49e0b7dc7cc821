/*
 * The worker's job spawner, in C: the same helper as spawner.pl, speaking the same protocol
 * (written down there and in spawner-client.ts), built at install by scripts/build-spawner.ts
 * when the machine has a C compiler. It holds about 1 MB where Perl holds 7, and its runs
 * cost less: a fork of a small process, no interpreter in the wrapper.
 *
 * A run is two processes. The run's wrapper, forked from here and never exec'd, leads a
 * session of its own in the job's folder with the log as its output; it joins the run's
 * control groups, forks the job's command (as the run's uid and gid, with no supplementary
 * groups and no_new_privs, when it has an identity), waits for it whatever signal comes,
 * and writes the run's exit record (lib/core/exit-record.ts) before it exits with the
 * command's shell status. Its title (/proc/<pid>/cmdline) is "qm-run <token>": a later
 * worker finds a run's wrapper by it (worker/local/run-watch.ts).
 *
 * Requests (one a line, fields hex-encoded, separated by spaces):
 *   id dir log header exit-record cgroups run-as nargs command... env("NAME=value")...
 * (run-as: "uid:gid" for a person's own account, "uid:gid:pool:<max processes>" for a uid
 * of the Job_Uids pool, or empty: the worker's own identity.)
 * Answers: "<id> pid <pid>", then "<id> exit <code|-> <signal|->" or "<id> error <hex>".
 * It exits when its stdin closes; the runs go on.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* A decoded field: bytes and their length (a NUL is added after them). */
struct field {
  char *data;
  size_t len;
};

/* Runs under way: wrapper pid -> request id. */
struct run {
  pid_t pid;
  char *id;
};
static struct run *runs;
static size_t nruns, runs_cap;

/* The memory /proc/<pid>/cmdline shows: argv's and the environment's strings, which main()
 * frees for a wrapper's title by copying the environment elsewhere (as Perl's $0 does). */
static char *title_area;
static size_t title_len;

static void nothing(int sig) { (void)sig; }

static void write_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t w = write(fd, data, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    data += w;
    len -= w;
  }
}

/* Where formatted lines go: answers to the worker, messages to the run's log (the
 * wrapper's and the job's stderr). */
enum { TO_WORKER = 1, TO_LOG = 2 };

/* A formatted line to `fd`, written in one piece (cut at 4 KB: answers are short, and a
 * longer message only loses its end). */
static void put(int fd, const char *format, ...) {
  char line[4096];
  va_list ap;
  va_start(ap, format);
  int n = vsnprintf(line, sizeof line, format, ap);
  va_end(ap);
  if (n > 0) write_all(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* "<id> error <hex message>": nothing was started. Written whole, however long. */
static void answer_error(const char *id, const char *message) {
  size_t n = strlen(message), head = strlen(id) + 7;
  char *line = malloc(head + 2 * n + 2);
  if (!line) return;
  snprintf(line, head + 1, "%s error ", id);
  for (size_t i = 0; i < n; i++) snprintf(line + head + 2 * i, 3, "%02x", (unsigned char)message[i]);
  line[head + 2 * n] = '\n';
  write_all(1, line, head + 2 * n + 1);
  free(line);
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static struct field unhex(const char *text, size_t len) {
  struct field f = {malloc(len / 2 + 1), 0};
  if (!f.data) return f;
  for (size_t i = 0; i + 1 < len; i += 2) {
    int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) break;
    f.data[f.len++] = (char)(hi << 4 | lo);
  }
  f.data[f.len] = 0;
  return f;
}

static void reap(void) {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    for (size_t i = 0; i < nruns; i++) {
      if (runs[i].pid != pid) continue;
      if (WIFSIGNALED(status)) put(TO_WORKER, "%s exit - %d\n", runs[i].id, WTERMSIG(status));
      else put(TO_WORKER, "%s exit %d -\n", runs[i].id, WEXITSTATUS(status));
      free(runs[i].id);
      runs[i] = runs[--nruns];
      break;
    }
  }
}

/* The POSIX `times` builtin's text: this process's user and system time, then its children's. */
static void shell_times(char *out, size_t size) {
  struct rusage self, children;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  const struct timeval *t[4] = {&self.ru_utime, &self.ru_stime, &children.ru_utime, &children.ru_stime};
  char part[4][48];
  for (int i = 0; i < 4; i++) {
    long s = t[i]->tv_sec;
    snprintf(part[i], sizeof part[i], "%ldm%ld.%06lds", s / 60, s % 60, (long)t[i]->tv_usec);
  }
  snprintf(out, size, "%s %s\n%s %s\n", part[0], part[1], part[2], part[3]);
}

static void write_exit_record(const char *path, int status) {
  char times[256], text[320];
  shell_times(times, sizeof times);
  int n = snprintf(text, sizeof text, "status=%d\ntimes=%send\n", status, times);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return;
  write_all(fd, text, (size_t)n);
  close(fd);
}

/* Whether the kernel's real, effective, saved and filesystem uids of this process are all
 * `uid` and its gids all `gid`: the "Uid:" and "Gid:" lines of /proc/self/status, read once. */
static int ids_are(unsigned uid, unsigned gid) {
  FILE *status = fopen("/proc/self/status", "re");
  if (!status) return 0;
  char line[256];
  int uid_ok = 0, gid_ok = 0;
  while (fgets(line, sizeof line, status)) {
    int is_uid = strncmp(line, "Uid:", 4) == 0, is_gid = strncmp(line, "Gid:", 4) == 0;
    if (!is_uid && !is_gid) continue;
    unsigned want = is_uid ? uid : gid, a, b, c, d;
    int ok = sscanf(line + 4, "%u %u %u %u", &a, &b, &c, &d) == 4 && a == want && b == want && c == want && d == want;
    if (is_uid) uid_ok = ok;
    else gid_ok = ok;
    if (is_gid) break; /* Gid: follows Uid: */
  }
  fclose(status);
  return uid_ok && gid_ok;
}

/* Become uid:gid with that group alone, for good, and with no_new_privs (no setuid program
 * can raise it again). Returns a message when it could not. */
static const char *drop_privileges(uid_t uid, gid_t gid, char *why, size_t size) {
  if (setgroups(1, &gid) != 0) return snprintf(why, size, "cannot set the groups to %u: %s", gid, strerror(errno)), why;
  if (setresgid(gid, gid, gid) != 0) return snprintf(why, size, "cannot set group %u: %s", gid, strerror(errno)), why;
  if (setresuid(uid, uid, uid) != 0) return snprintf(why, size, "cannot set user %u: %s", uid, strerror(errno)), why;
  gid_t groups[2];
  int ngroups = getgroups(2, groups);
  if (!ids_are(uid, gid) || ngroups != 1 || groups[0] != gid)
    return snprintf(why, size, "still has privileges after setuid %u", uid), why;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return snprintf(why, size, "cannot set no_new_privs: %s", strerror(errno)), why;
  return NULL;
}

/* keyctl(2)'s operations (linux/keyctl.h; glibc has no wrapper). */
enum { KEYCTL_JOIN_SESSION_KEYRING = 1, KEYCTL_CLEAR = 7, KEYCTL_UNLINK = 9, KEYCTL_GET_PERSISTENT = 22 };
enum { KEY_SPEC_PROCESS_KEYRING = -2, KEY_SPEC_USER_KEYRING = -4, KEY_SPEC_USER_SESSION_KEYRING = -5 };

static long keyctl(int op, long a, long b) { return syscall(SYS_keyctl, op, a, b, 0L, 0L); }

/* Empty the keyrings a uid keeps between its processes: its user keyring, its user session
 * keyring and its persistent keyring (which outlive every process of the uid: a key a run
 * put there was readable by the next run of the uid, another person's job). As the uid,
 * after the drop. A kernel without keys (ENOSYS) or persistent keyrings (EOPNOTSUPP) has
 * nothing to empty. */
static const char *clear_uid_keyrings(char *why, size_t size) {
  const char *failed = NULL;
  long persistent = -1;
  if (keyctl(KEYCTL_CLEAR, KEY_SPEC_USER_KEYRING, 0) != 0 && errno != ENOSYS) failed = "user keyring";
  else if (keyctl(KEYCTL_CLEAR, KEY_SPEC_USER_SESSION_KEYRING, 0) != 0 && errno != ENOSYS) failed = "user session keyring";
  /* Linked into this process's keyring, which the exec drops, to be named at all. */
  else if ((persistent = keyctl(KEYCTL_GET_PERSISTENT, -1, KEY_SPEC_PROCESS_KEYRING)) < 0 && errno != ENOSYS && errno != EOPNOTSUPP) failed = "persistent keyring";
  else if (persistent >= 0 && keyctl(KEYCTL_CLEAR, persistent, 0) != 0) failed = "persistent keyring";
  if (persistent >= 0) keyctl(KEYCTL_UNLINK, persistent, KEY_SPEC_PROCESS_KEYRING);
  if (!failed) return NULL;
  snprintf(why, size, "cannot empty the %s that earlier runs of uid %u left (%s)%s", failed, (unsigned)getuid(), strerror(errno),
           errno == EACCES ? ": one of them took away the permission to change it, so this uid cannot run jobs safely until the machine restarts; take it out of Job_Uids" : "");
  return why;
}

/* What the run gets of its own before it becomes its identity, as root (who alone may):
 * System V IPC and POSIX message queues of its own (a new IPC namespace, gone with the run's
 * last process: a queue or segment one run made is not there for the next run of its uid);
 * a new session keyring (made here, as root, so that a uid's key quota filled by an earlier
 * run cannot refuse it), instead of the wrapper's, which is root's; and for a pool uid, a cap
 * on its processes (RLIMIT_NPROC counts every process of the uid, and the uid is the run's
 * alone). Not on a Run_As account: a person's own count spans their other work. */
static const char *isolate(int pool, unsigned long max_procs, char *why, size_t size) {
  /* EPERM: no CAP_SYS_ADMIN (the systemd unit's CapabilityBoundingSet leaves it out). The run
   * then shares the worker's IPC namespace, as runs did before: the worker removes what a pool
   * uid left in System V IPC and in /dev/mqueue (which systemd mounts) at each run's end. */
  if (unshare(CLONE_NEWIPC) != 0 && errno != EPERM)
    return snprintf(why, size, "cannot give the run System V IPC and message queues of its own (unshare: %s); it was not started", strerror(errno)), why;
  if (keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0, 0) < 0 && errno != ENOSYS)
    return snprintf(why, size, "cannot give the run a session keyring of its own (keyctl: %s); it was not started", strerror(errno)), why;
  /* Never above the hard limit the worker has (raising it needs CAP_SYS_RESOURCE). */
  struct rlimit procs;
  if (pool && getrlimit(RLIMIT_NPROC, &procs) == 0) {
    if (procs.rlim_max != RLIM_INFINITY && procs.rlim_max < max_procs) max_procs = procs.rlim_max;
    procs.rlim_cur = procs.rlim_max = max_procs;
    if (setrlimit(RLIMIT_NPROC, &procs) != 0)
      return snprintf(why, size, "cannot limit the run's processes to %lu: %s", max_procs, strerror(errno)), why;
  }
  return NULL;
}

/* In the job's process: signals as a new process has them, the run's identity, its command. */
static void exec_command(const char *run_as, char **command) {
  for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  unsigned uid, gid;
  unsigned long max_procs = 0;
  if (*run_as) {
    char why[512];
    /* "uid:gid", or "uid:gid:pool:<max processes>" */
    int n = sscanf(run_as, "%u:%u:pool:%lu", &uid, &gid, &max_procs), pool = strstr(run_as, ":pool:") != NULL;
    const char *failed = n != 2 + pool ? "the run's identity is not uid:gid or uid:gid:pool:<max processes>" : isolate(pool, max_procs, why, sizeof why);
    if (!failed) failed = drop_privileges(uid, gid, why, sizeof why);
    if (!failed && pool) failed = clear_uid_keyrings(why, sizeof why);
    if (failed) {
      put(TO_LOG, "[QM] %s\n", failed);
      _exit(126);
    }
  }
  execvp(command[0], command);
  put(TO_LOG, "[QM] cannot run %s: %s\n", command[0], strerror(errno));
  _exit(127);
}

/* In the wrapper, before it joins a control group that pins CPUs (a v1 cpuset, or a v2
 * group whose cpuset.cpus is set): move onto those CPUs first. A task that joins a cpuset
 * while on a CPU outside it is moved by the kernel with the cgroup lock held (a stopper
 * thread and a wake of the other CPU, about 0.3 ms here), and every other cgroup change on
 * the machine waits for it, the worker's for the next run included; a task already on its
 * CPUs joins without a move. Nothing is lost when this fails: the join still pins it. */
static void move_onto_cpus_of(const char *procs) {
  const char *slash = strrchr(procs, '/');
  char file[4096], list[1024];
  if (!slash || snprintf(file, sizeof file, "%.*s/cpuset.cpus", (int)(slash - procs), procs) >= (int)sizeof file) return;
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t len = read(fd, list, sizeof list - 1);
  close(fd);
  if (len <= 0) return;
  list[len] = 0;
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  /* "0-3,8,10-11\n" */
  for (char *p = list; *p && *p != '\n';) {
    char *end;
    long first = strtol(p, &end, 10), last = first;
    if (end == p) return;
    if (*end == '-') last = strtol(end + 1, &end, 10);
    for (long c = first; c <= last && c < CPU_SETSIZE; c++) CPU_SET((int)c, &cpus);
    p = *end == ',' ? end + 1 : end;
  }
  if (CPU_COUNT(&cpus) > 0) sched_setaffinity(0, sizeof cpus, &cpus);
}

/* In the wrapper: join the run's control groups (a run that cannot does not run unconfined:
 * it ends 125, recorded), run the command, wait for it through any signal, record its end. */
static void wrap(const char *exit_path, char *cgroups, const char *run_as, char **command) {
  char pid_line[32];
  int n = snprintf(pid_line, sizeof pid_line, "%d\n", (int)getpid());
  for (char *procs = strtok(cgroups, ":"); procs; procs = strtok(NULL, ":")) {
    move_onto_cpus_of(procs);
    int fd = open(procs, O_WRONLY | O_CLOEXEC);
    if (fd >= 0 && write(fd, pid_line, (size_t)n) == n && close(fd) == 0) continue;
    put(TO_LOG, "[QM] could not enter the control group %s: %s\n", procs, strerror(errno));
    write_exit_record(exit_path, 125);
    _exit(125);
  }
  pid_t job = fork();
  if (job < 0) {
    put(TO_LOG, "[QM] cannot fork the job: %s\n", strerror(errno));
    write_exit_record(exit_path, 126);
    _exit(126);
  }
  if (job == 0) exec_command(run_as, command);
  /* Signals to the run's group reach the wrapper too: caught (the spawner's handlers), they
   * only end this wait early, and it goes on until the command has ended. */
  int status, code;
  for (;;) {
    pid_t got = waitpid(job, &status, 0);
    if (got == job) {
      code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
      break;
    }
    if (got < 0 && errno == EINTR) continue;
    code = 127;
    break;
  }
  write_exit_record(exit_path, code);
  _exit(code);
}

/* The wrapper's title, in the memory /proc/<pid>/cmdline reads, NUL-padded. */
static void set_title(const char *title) {
  size_t n = strlen(title);
  if (n >= title_len) n = title_len - 1;
  memcpy(title_area, title, n);
  memset(title_area + n, 0, title_len - n);
  prctl(PR_SET_NAME, "qm-run", 0, 0, 0);
}

/* Fork the wrapper, and in it: own session, cwd, stdin from /dev/null, output to the log.
 * A failure before the run is under way comes back through a pipe, as the start's error. */
static void start(struct field *f, size_t nf) {
  const char *id = nf > 0 ? f[0].data : "0";
  char why[4200];
  if (nf < 8) return answer_error(id, "a request needs at least 8 fields");
  const char *dir = f[1].data, *log = f[2].data, *exit_path = f[4].data, *run_as = f[6].data;
  size_t nargs = strtoul(f[7].data, NULL, 10);
  if (nargs < 1 || 8 + nargs > nf) return answer_error(id, "the request's command is missing");
  char **command = calloc(nargs + 1, sizeof *command);
  if (!command) return answer_error(id, "out of memory");
  for (size_t i = 0; i < nargs; i++) command[i] = f[8 + i].data;

  /* The log is in the job's folder, whose entries its owner made: as root, never follow a
   * symlink there or write to a file with another name (a hard link), and never wait on a
   * FIFO (O_NONBLOCK, cleared once it is known to be a plain file). */
  int out = open(log, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0666);
  if (out < 0) {
    snprintf(why, sizeof why, "cannot open %s: %s", log, errno == ELOOP ? "it is a symlink; remove it" : strerror(errno));
    free(command);
    return answer_error(id, why);
  }
  struct stat st;
  if (fstat(out, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 || fcntl(out, F_SETFL, O_APPEND) != 0) {
    snprintf(why, sizeof why, "cannot write %s: it is not a plain file with a single name; remove it", log);
    close(out);
    free(command);
    return answer_error(id, why);
  }
  /* A log whose last line has no line break (QM 0.4's ended "elapsed time: 300.0s"): the
   * header starts a line of its own, where recovery and the progress look for it. */
  char last;
  if (st.st_size > 0 && pread(out, &last, 1, st.st_size - 1) == 1 && last != '\n') write_all(out, "\n", 1);
  write_all(out, f[3].data, f[3].len);
  int err[2];
  if (pipe2(err, O_CLOEXEC) != 0) {
    snprintf(why, sizeof why, "pipe: %s", strerror(errno));
    close(out);
    free(command);
    return answer_error(id, why);
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(err[0]);
    const char *token = "-";
    for (size_t i = 8 + nargs; i < nf; i++)
      if (strncmp(f[i].data, "QM_RUN_TOKEN=", 13) == 0) token = f[i].data + 13;
    char title[256];
    snprintf(title, sizeof title, "qm-run %s", token);
    set_title(title);
    int null = -1;
    why[0] = 0;
    if (setsid() < 0) snprintf(why, sizeof why, "setsid: %s", strerror(errno));
    else if (chdir(dir) != 0) snprintf(why, sizeof why, "chdir %s: %s", dir, strerror(errno));
    else if ((null = open("/dev/null", O_RDONLY)) < 0 || dup2(null, 0) < 0) snprintf(why, sizeof why, "stdin: %s", strerror(errno));
    else if (dup2(out, 1) < 0 || dup2(out, 2) < 0) snprintf(why, sizeof why, "stdout: %s", strerror(errno));
    if (why[0]) {
      write_all(err[1], why, strlen(why));
      _exit(127);
    }
    if (null > 2) close(null);
    close(out);
    for (size_t i = 8 + nargs; i < nf; i++)
      if (strchr(f[i].data, '=')) putenv(f[i].data);
    close(err[1]);
    wrap(exit_path, f[5].data, run_as, command);
  }
  close(err[1]);
  close(out);
  free(command);
  if (pid < 0) {
    snprintf(why, sizeof why, "fork: %s", strerror(errno));
    close(err[0]);
    return answer_error(id, why);
  }
  size_t got = 0;
  for (;;) {
    ssize_t r = read(err[0], why + got, sizeof why - 1 - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(err[0]);
  why[got] = 0;
  if (got > 0) {
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    return answer_error(id, why);
  }
  if (nruns == runs_cap) {
    runs_cap = runs_cap ? 2 * runs_cap : 16;
    runs = realloc(runs, runs_cap * sizeof *runs);
  }
  runs[nruns++] = (struct run){pid, strdup(id)};
  put(TO_WORKER, "%s pid %d\n", id, (int)pid);
}

/* One request line: split on spaces (empty fields kept), decoded, started. */
static void handle(const char *line, size_t len) {
  size_t nf = 1;
  for (size_t i = 0; i < len; i++) nf += line[i] == ' ';
  struct field *f = calloc(nf, sizeof *f);
  if (!f) return;
  size_t k = 0, from = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && line[i] != ' ') continue;
    f[k++] = unhex(line + from, i - from);
    from = i + 1;
  }
  start(f, nf);
  for (size_t i = 0; i < nf; i++) free(f[i].data);
  free(f);
}

/* What the worker's own parent left open to it (a test runner's channel) is not the jobs':
 * closed once here. What this helper opens itself is close-on-exec. */
static void close_inherited(void) {
  DIR *fds = opendir("/proc/self/fd");
  if (!fds) return;
  int keep = dirfd(fds), open_fds[1024], n = 0;
  struct dirent *e;
  while ((e = readdir(fds)) && n < 1024) {
    int fd = atoi(e->d_name);
    if (fd > 2 && fd != keep && e->d_name[0] != '.') open_fds[n++] = fd;
  }
  closedir(fds);
  for (int i = 0; i < n; i++) close(open_fds[i]);
}

/* Free argv's and the environment's memory for wrappers' titles: the environment is copied. */
static void claim_title_area(int argc, char **argv) {
  char *end = argv[0] + strlen(argv[0]) + 1;
  for (int i = 1; i < argc && argv[i] == end; i++) end = argv[i] + strlen(argv[i]) + 1;
  size_t n = 0;
  while (environ[n]) n++;
  char **copy = calloc(n + 1, sizeof *copy);
  for (size_t i = 0; copy && i < n; i++) {
    if (environ[i] == end) end = environ[i] + strlen(environ[i]) + 1;
    copy[i] = strdup(environ[i]);
  }
  if (copy) environ = copy;
  title_area = argv[0];
  title_len = (size_t)(end - argv[0]);
}

int main(int argc, char **argv) {
  (void)argc;
  claim_title_area(argc, argv);
  close_inherited();
  /* A service manager's stop may signal every process of the service, this helper included.
   * The worker decides when jobs stop: caught, not ignored, so that jobs get the default back. */
  struct sigaction caught = {0};
  caught.sa_handler = nothing;
  sigaction(SIGINT, &caught, NULL);
  sigaction(SIGTERM, &caught, NULL);
  sigaction(SIGHUP, &caught, NULL);
  sigaction(SIGCHLD, &caught, NULL);
  /* SIGCHLD is let through only while waiting for input: a run's end wakes the wait, and
   * none can slip in between the reaping and the wait. */
  sigset_t chld, waiting;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &waiting);
  sigdelset(&waiting, SIGCHLD);

  size_t cap = 65536, have = 0;
  char *pending = malloc(cap);
  if (!pending) return 1;
  for (;;) {
    reap();
    struct pollfd in = {0, POLLIN, 0};
    if (ppoll(&in, 1, NULL, &waiting) <= 0) continue;
    if (have == cap) {
      cap *= 2;
      char *grown = realloc(pending, cap);
      if (!grown) return 1;
      pending = grown;
    }
    ssize_t r = read(0, pending + have, cap - have);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0;
    have += (size_t)r;
    size_t from = 0;
    for (char *nl; (nl = memchr(pending + from, '\n', have - from)); from = (size_t)(nl - pending) + 1) {
      handle(pending + from, (size_t)(nl - pending) - from);
    }
    memmove(pending, pending + from, have - from);
    have -= from;
  }
}
