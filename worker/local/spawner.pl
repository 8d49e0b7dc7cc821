#!/usr/bin/perl
# The worker's job spawner, in Perl: the fallback of spawner.c, the same helper, which the
# build compiles where the machine has a C compiler (keep the two alike: one test file,
# spawner.int.test.ts, checks both). A small process that starts runs for the worker and
# reports their pid and end. It exists because fork() costs grow with the parent's memory
# (~11 ms from the worker); this version is Perl because perl-base is on every Debian and
# costs ~7 MB where a Node helper costs ~43 MB. Only perl-base modules are used.
#
# A run is two processes. The run's wrapper, forked from here and never exec'd (no shell
# to load: a no-op job costs two fewer execs), leads a session of its own in the job's
# folder with the log as its output; it joins the run's control groups, forks the job's
# command (as the run's uid and gid, with no supplementary groups and no_new_privs, when
# it has an identity: isolate() below says what else), waits for it whatever signal comes, and writes the run's exit
# record (lib/core/exit-record.ts) before it exits with the command's shell status. Its
# process title is "qm-run <token>" (its environment is this helper's: worker/local/run-watch.ts
# finds a run's wrapper by that title).
#
# Protocol (spawner-client.ts): one request a line, fields hex-encoded and separated by
# spaces: id dir log header exit-record cgroups run-as nargs command... env("NAME=value")...
# (cgroups: cgroup.procs files separated by ":"; run-as: "uid:gid" for a person's own
# account, "uid:gid:pool:<max processes>" for a uid of the Job_Uids pool, or empty for none).
# Answers: "<id> pid <pid>", then "<id> exit <code|-> <signal number|->" or
# "<id> error <hex message>". It exits when its stdin closes; runs, each in a session of
# their own, go on (their wrapper writes their exit record; a later worker adopts them).
use strict;
use warnings;
use POSIX qw(setsid WNOHANG _exit);
use Fcntl qw(O_RDWR O_APPEND O_CREAT O_NOFOLLOW O_NONBLOCK O_NOCTTY F_SETFL);

$| = 1;

# A service manager's stop may signal every process of the service, this helper included.
# The worker decides when jobs stop: caught, not ignored, so that jobs get the default back.
$SIG{$_} = sub { } for qw(INT TERM HUP);
# Caught so that it interrupts the wait for input; the children are reaped in the loop.
$SIG{CHLD} = sub { };

# System calls Perl has no function for, by number on this machine: prctl (no_new_privs),
# unshare (the run's own IPC), keyctl (its keyrings) and prlimit64 (its process cap). The
# table holds the numbers of the kernel's headers (asm/unistd_64.h, unistd_32.h, and
# asm-generic/unistd.h, which aarch64, riscv64 and loongarch64 use); another machine's come
# from Perl's syscall.ph where it is installed (Debian: libperl), which costs 70 ms to load.
# Without prctl's, setpriv sets no_new_privs; without the others, runs with an identity
# are refused (exec_command says why): they would not get what the C spawner gives them.
my $MACHINE = (POSIX::uname())[4];
my %SYS = %{
  {
    x86_64 => { prctl => 157, unshare => 272, keyctl => 250, prlimit64 => 302 },
    (map { $_ => { prctl => 167, unshare => 97, keyctl => 219, prlimit64 => 261 } } qw(aarch64 riscv64 loongarch64)),
    (map { $_ => { prctl => 172, unshare => 310, keyctl => 288, prlimit64 => 340 } } qw(i686 i586 i386)),
    (map { $_ => { prctl => 172 } } qw(armv7l armv6l s390x)),
    (map { $_ => { prctl => 171 } } qw(ppc64le ppc64)),
  }->{$MACHINE} // {}
};
if (grep { !defined $SYS{$_} } qw(prctl unshare keyctl prlimit64)) {
  no strict 'refs';
  local $SIG{__WARN__} = sub { };
  if (eval { require 'syscall.ph'; 1 }) {
    $SYS{$_} //= defined &{"SYS_$_"} ? &{"SYS_$_"}() : undef for qw(prctl unshare keyctl prlimit64);
  }
}
my $PR_SET_NO_NEW_PRIVS = 38;
my $CLONE_NEWIPC = 0x08000000;
my $RLIMIT_NPROC = $MACHINE =~ /^(mips|alpha)/ ? 8 : $MACHINE =~ /^sparc/ ? 7 : 6;
# keyctl(2)'s operations and special keyrings (linux/keyctl.h).
my ($KEYCTL_JOIN_SESSION_KEYRING, $KEYCTL_CLEAR, $KEYCTL_UNLINK, $KEYCTL_GET_PERSISTENT) = (1, 7, 9, 22);
my ($KEY_SPEC_PROCESS_KEYRING, $KEY_SPEC_USER_KEYRING, $KEY_SPEC_USER_SESSION_KEYRING) = (-2, -4, -5);

my %request_of;    # wrapper pid -> request id

sub unhex { return pack('H*', $_[0]) }

sub reap {
  while ((my $pid = waitpid(-1, WNOHANG)) > 0) {
    my $id = delete $request_of{$pid};
    next unless defined $id;
    my $status = $?;
    if ($status & 127) { print "$id exit - ", $status & 127, "\n" }
    else { print "$id exit ", $status >> 8, " -\n" }
  }
}

# The POSIX `times` builtin's text: the wrapper's user and system time, then its children's.
sub shell_times {
  my @t = times;
  my $f = sub { sprintf('%dm%.6fs', int($_[0] / 60), $_[0] - 60 * int($_[0] / 60)) };
  return join(' ', map { $f->($_) } @t[0, 1]) . "\n" . join(' ', map { $f->($_) } @t[2, 3]) . "\n";
}

sub write_exit_record {
  my ($path, $status) = @_;
  open(my $out, '>', $path) or return;
  print $out "status=$status\ntimes=", shell_times(), "end\n";
  close($out);
}

# The kernel's real, effective, saved and filesystem ids of this process ("Uid:", "Gid:").
sub kernel_ids {
  my %ids = (Uid => [], Gid => []);
  open(my $status, '<', '/proc/self/status') or return %ids;
  while (<$status>) { $ids{$1} = [split(' ', $2)] if /^(Uid|Gid):\s+(.*)$/ }
  close($status);
  return %ids;
}

# Become uid:gid with that group alone, for good (POSIX::setuid sets the saved uid too, which
# Perl's own $< and $> leave at 0: checked), and with no_new_privs (no setuid program can
# raise it again). Returns the command, with setpriv in front where prctl is unknown.
sub drop_privileges {
  my ($uid, $gid, $fail, @command) = @_;
  # "gid gid": effective gid, and the supplementary groups reduced to that one (perlvar).
  $) = "$gid $gid";
  POSIX::setgid($gid) or $fail->("cannot set group $gid: $!");
  POSIX::setuid($uid) or $fail->("cannot set user $uid: $!");
  my %ids = kernel_ids();
  my $all = sub { my ($want, @got) = @_; return @got == 4 && !grep { $_ != $want } @got };
  $fail->("still has privileges after setuid $uid")
    unless $all->($uid, @{ $ids{Uid} }) && $all->($gid, @{ $ids{Gid} }) && !grep { $_ != $gid } split(' ', $));
  return ('setpriv', '--no-new-privs', '--', @command) unless defined $SYS{prctl};
  syscall($SYS{prctl}, $PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 or $fail->("cannot set no_new_privs: $!");
  return @command;
}

# A 64-bit number as the kernel reads it (pack's Q is missing from a Perl without 64-bit integers).
sub u64 {
  my ($n) = @_;
  my $q = eval { pack('Q', $n) };
  return $q // (pack('L', 1) eq pack('V', 1) ? pack('VV', $n, 0) : pack('NN', 0, $n));
}

# What the run gets of its own before it becomes its identity, as root (who alone may), as
# spawner.c's isolate() says: its own System V IPC and POSIX message queues (a new IPC
# namespace), a new session keyring instead of the wrapper's (root's), and for a pool uid a
# cap on its processes (never on a Run_As account, a person's own).
sub isolate {
  my ($pool, $max_procs, $fail) = @_;
  my @missing = grep { !defined $SYS{$_} } qw(unshare keyctl prlimit64);
  $fail->("the Perl spawner does not know the numbers of the system calls @missing on this machine ($MACHINE): install Perl's syscall.ph (Debian: libperl) or a C compiler (then npm run build), so that runs get their own IPC and keyrings")
    if @missing;
  # EPERM: no CAP_SYS_ADMIN (the systemd unit's bounding set): the worker's IPC namespace, swept as spawner.c says.
  syscall($SYS{unshare}, $CLONE_NEWIPC) == 0 || $!{EPERM}
    or $fail->("cannot give the run System V IPC and message queues of its own (unshare: $!); it was not started");
  syscall($SYS{keyctl}, $KEYCTL_JOIN_SESSION_KEYRING, 0) >= 0 || $!{ENOSYS}
    or $fail->("cannot give the run a session keyring of its own (keyctl: $!); it was not started");
  return unless $pool;
  # Never above the hard limit the worker has (raising it needs CAP_SYS_RESOURCE).
  my $hard = hard_process_limit();
  $max_procs = $hard if defined $hard && $hard < $max_procs;
  syscall($SYS{prlimit64}, 0, $RLIMIT_NPROC, u64($max_procs) . u64($max_procs), 0) == 0
    or $fail->("cannot limit the run's processes to $max_procs: $!");
}

# The hard limit of this process's processes (/proc/self/limits), or undef when unlimited.
sub hard_process_limit {
  open(my $f, '<', '/proc/self/limits') or return undef;
  while (my $line = <$f>) {
    return $1 eq 'unlimited' ? undef : $1 if $line =~ /^Max processes\s+\S+\s+(\S+)/;
  }
  return undef;
}

# Empty the keyrings a uid keeps between its processes (its user, user session and
# persistent keyrings), as the uid, after the drop: spawner.c's clear_uid_keyrings().
sub clear_uid_keyrings {
  my ($fail) = @_;
  my $failed;
  my $persistent = -1;
  if (syscall($SYS{keyctl}, $KEYCTL_CLEAR, $KEY_SPEC_USER_KEYRING) != 0 && !$!{ENOSYS}) { $failed = 'user keyring' }
  elsif (syscall($SYS{keyctl}, $KEYCTL_CLEAR, $KEY_SPEC_USER_SESSION_KEYRING) != 0 && !$!{ENOSYS}) { $failed = 'user session keyring' }
  # Linked into this process's keyring, which the exec drops, to be named at all.
  elsif (($persistent = syscall($SYS{keyctl}, $KEYCTL_GET_PERSISTENT, -1, $KEY_SPEC_PROCESS_KEYRING)) < 0) {
    $failed = 'persistent keyring' unless $!{ENOSYS} || $!{EOPNOTSUPP};
  }
  elsif (syscall($SYS{keyctl}, $KEYCTL_CLEAR, $persistent) != 0) { $failed = 'persistent keyring' }
  my $why = "$!";
  my $denied = $!{EACCES};
  syscall($SYS{keyctl}, $KEYCTL_UNLINK, $persistent, $KEY_SPEC_PROCESS_KEYRING) if $persistent >= 0;
  return unless $failed;
  $fail->("cannot empty the $failed that earlier runs of uid $< left ($why)"
      . ($denied ? ': one of them took away the permission to change it, so this uid cannot run jobs safely until the machine restarts; take it out of Job_Uids' : ''));
}

# In the job's process: become the run's identity, then exec its command. Never returns.
sub exec_command {
  my ($run_as, @command) = @_;
  $SIG{$_} = 'DEFAULT' for qw(INT TERM HUP CHLD);
  my $fail = sub { print STDERR "[QM] $_[0]\n"; _exit(126) };
  if (length $run_as) {
    # "uid:gid", or "uid:gid:pool:<max processes>"
    my ($uid, $gid, $pool, $max_procs) = $run_as =~ /^(\d+):(\d+)(?::(pool):(\d+))?$/
      or $fail->("the run's identity is not uid:gid or uid:gid:pool:<max processes>");
    isolate($pool, $max_procs, $fail);
    @command = drop_privileges($uid, $gid, $fail, @command);
    clear_uid_keyrings($fail) if $pool;
  }
  { no warnings 'exec'; exec { $command[0] } @command }
  print STDERR "[QM] cannot run $command[0]: $!\n";
  _exit(127);
}

# In the wrapper: join the run's control groups (a run that cannot does not run unconfined:
# it ends 125, recorded), run the command, wait for it through any signal, record its end.
sub wrap {
  my ($exit_path, $cgroups, $run_as, @command) = @_;
  for my $procs (grep { length } split(/:/, $cgroups)) {
    my $f;
    next if open($f, '>', $procs) && print($f "$$\n") && close($f);
    print STDERR "[QM] could not enter the control group $procs: $!\n";
    write_exit_record($exit_path, 125);
    _exit(125);
  }
  my $job = fork();
  if (!defined $job) {
    print STDERR "[QM] cannot fork the job: $!\n";
    write_exit_record($exit_path, 126);
    _exit(126);
  }
  exec_command($run_as, @command) if $job == 0;
  # Signals to the run's group reach the wrapper too: caught (inherited), they only end
  # this wait early, and it goes on until the command has ended.
  my $status;
  while (1) {
    my $got = waitpid($job, 0);
    if ($got == $job) { $status = $?; last }
    next if $got == -1 && $!{EINTR};
    $status = 127 << 8;
    last;
  }
  my $code = $status & 127 ? 128 + ($status & 127) : $status >> 8;
  write_exit_record($exit_path, $code);
  _exit($code);
}

# Fork the wrapper, and in it: own session, cwd, stdin from /dev/null, output to the log.
# A failure before the run is under way comes back through a pipe, as the start's error.
sub start {
  my ($id, $dir, $log, $header, $exit_path, $cgroups, $run_as, $nargs, @rest) = @_;
  my @command = splice(@rest, 0, $nargs);
  my %env = map { /^([^=]*)=(.*)$/s ? ($1, $2) : () } @rest;
  my $fail = sub { print "$id error ", unpack('H*', $_[0]), "\n" };
  # The job's folder is its owner's: never follow a symlink, write to a hard link or wait on a FIFO.
  sysopen(my $out, $log, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0666)
    or return $fail->("cannot open $log: " . ($!{ELOOP} ? 'it is a symlink; remove it' : $!));
  my @st = stat($out);
  return $fail->("cannot write $log: it is not a plain file with a single name; remove it")
    unless @st && -f _ && $st[3] == 1 && fcntl($out, F_SETFL, O_APPEND);
  # A last line without its line break (QM 0.4's logs): the header starts a line of its own.
  my $last = '';
  syswrite($out, "\n") if $st[7] > 0 && sysseek($out, $st[7] - 1, 0) && sysread($out, $last, 1) == 1 && $last ne "\n";
  syswrite($out, $header);
  pipe(my $err_r, my $err_w) or return $fail->("pipe: $!");
  my $pid = fork();
  return $fail->("fork: $!") unless defined $pid;
  if ($pid == 0) {
    close($err_r);
    my $die = sub { syswrite($err_w, $_[0]); _exit(127) };
    $0 = 'qm-run ' . ($env{QM_RUN_TOKEN} // '-');
    $SIG{CHLD} = 'DEFAULT';
    setsid() or $die->("setsid: $!");
    chdir($dir) or $die->("chdir $dir: $!");
    open(STDIN, '<', '/dev/null') or $die->("stdin: $!");
    open(STDOUT, '>&', $out) or $die->("stdout: $!");
    open(STDERR, '>&', $out) or $die->("stderr: $!");
    close($out);
    @ENV{ keys %env } = values %env;
    close($err_w);
    wrap($exit_path, $cgroups, $run_as, @command);
  }
  close($err_w);
  close($out);
  my $why = '';
  1 while sysread($err_r, $why, 4096, length $why);
  close($err_r);
  if (length $why) {
    waitpid($pid, 0);
    return $fail->($why);
  }
  $request_of{$pid} = $id;
  print "$id pid $pid\n";
}

# What the worker's own parent left open to it (a test runner's channel) is not the jobs':
# closed once here. What this helper opens itself is close-on-exec (Perl's default above
# $^F, 2), so a job's exec never inherits it.
if (opendir(my $fds, '/proc/self/fd')) {
  my @open = grep { /^\d+$/ && $_ > 2 && $_ != fileno($fds) } readdir($fds);
  closedir($fds);
  POSIX::close($_) for @open;
}

my $pending = '';
while (1) {
  reap();
  # A child may end between reap() and the wait: while runs are out, wake now and then.
  my $readable = '';
  vec($readable, fileno(STDIN), 1) = 1;
  my $ready = select($readable, undef, undef, %request_of ? 0.05 : undef);
  next if $ready <= 0;
  my $n = sysread(STDIN, $pending, 65536, length $pending);
  next if !defined $n && $!{EINTR};
  exit 0 unless $n;
  while ($pending =~ s/^([^\n]*)\n//) {
    start(map { unhex($_) } split(/ /, $1, -1));
  }
}
