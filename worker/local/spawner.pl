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
# it has an identity), waits for it whatever signal comes, and writes the run's exit
# record (lib/core/exit-record.ts) before it exits with the command's shell status. Its
# process title is "qm-run <token>" (its environment is this helper's: worker/local/run-watch.ts
# finds a run's wrapper by that title).
#
# Protocol (spawner-client.ts): one request a line, fields hex-encoded and separated by
# spaces: id dir log header exit-record cgroups run-as nargs command... env("NAME=value")...
# (cgroups: cgroup.procs files separated by ":"; run-as: "uid:gid", or empty for none).
# Answers: "<id> pid <pid>", then "<id> exit <code|-> <signal number|->" or
# "<id> error <hex message>". It exits when its stdin closes; runs, each in a session of
# their own, go on (their wrapper writes their exit record; a later worker adopts them).
use strict;
use warnings;
use POSIX qw(setsid WNOHANG _exit);
use Fcntl qw(O_WRONLY O_APPEND O_CREAT O_NOFOLLOW O_NONBLOCK O_NOCTTY F_SETFL);

$| = 1;

# A service manager's stop may signal every process of the service, this helper included.
# The worker decides when jobs stop: caught, not ignored, so that jobs get the default back.
$SIG{$_} = sub { } for qw(INT TERM HUP);
# Caught so that it interrupts the wait for input; the children are reaped in the loop.
$SIG{CHLD} = sub { };

# prctl(2)'s system call number on this machine, for PR_SET_NO_NEW_PRIVS (Perl has no prctl);
# undefined elsewhere, where setpriv sets it instead.
my $SYS_PRCTL = { x86_64 => 157, aarch64 => 167, riscv64 => 167, loongarch64 => 167, i686 => 172, i586 => 172, i386 => 172, armv7l => 172, armv6l => 172, s390x => 172, ppc64le => 171, ppc64 => 171 }->{ (POSIX::uname())[4] };
my $PR_SET_NO_NEW_PRIVS = 38;

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
  return ('setpriv', '--no-new-privs', '--', @command) unless defined $SYS_PRCTL;
  syscall($SYS_PRCTL, $PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 or $fail->("cannot set no_new_privs: $!");
  return @command;
}

# In the job's process: become the run's identity, then exec its command. Never returns.
sub exec_command {
  my ($run_as, @command) = @_;
  $SIG{$_} = 'DEFAULT' for qw(INT TERM HUP CHLD);
  my $fail = sub { print STDERR "[QM] $_[0]\n"; _exit(126) };
  @command = drop_privileges(split(/:/, $run_as), $fail, @command) if length $run_as;
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
  sysopen(my $out, $log, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0666)
    or return $fail->("cannot open $log: " . ($!{ELOOP} ? 'it is a symlink; remove it' : $!));
  my @st = stat($out);
  return $fail->("cannot write $log: it is not a plain file with a single name; remove it")
    unless @st && -f _ && $st[3] == 1 && fcntl($out, F_SETFL, O_APPEND);
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
