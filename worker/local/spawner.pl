#!/usr/bin/perl
# The worker's job spawner: a small process that starts job processes for the worker and
# reports their pid and end. It exists because fork() costs grow with the parent's memory
# (~11 ms from the worker), and it is Perl because perl-base is on every Debian and costs
# ~5 MB where a Node helper costs ~43 MB. Only perl-base modules are used.
#
# Protocol (spawner-protocol.ts): one request a line, fields hex-encoded and separated by
# spaces: id dir log header wrapper nargs args... env("NAME=value")...
# Answers: "<id> pid <pid>", then "<id> exit <code|-> <signal number|->" or
# "<id> error <hex message>". It exits when its stdin closes; jobs, each in a session of
# their own, run on (their wrapper writes their exit record; a later worker adopts them).
use strict;
use warnings;
use POSIX qw(setsid WNOHANG _exit);
use IO::Handle;
use IO::Select;

STDOUT->autoflush(1);

# A service manager's stop may signal every process of the service, this helper included.
# The worker decides when jobs stop: caught, not ignored, so that jobs get the default back.
$SIG{$_} = sub { } for qw(INT TERM HUP);
# Caught so that it interrupts the wait for input; the children are reaped in the loop.
$SIG{CHLD} = sub { };

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

# Fork, and in the child: own session, cwd, stdin from /dev/null, output to the log, exec.
# A failure before exec comes back through a close-on-exec pipe, as the error of the start.
sub start {
  my ($id, $dir, $log, $header, $wrapper, $nargs, @rest) = @_;
  my @args = splice(@rest, 0, $nargs);
  my %env = map { /^([^=]*)=(.*)$/s ? ($1, $2) : () } @rest;
  my $fail = sub { print "$id error ", unpack('H*', $_[0]), "\n" };
  open(my $out, '>>', $log) or return $fail->("cannot open $log: $!");
  syswrite($out, $header);
  pipe(my $err_r, my $err_w) or return $fail->("pipe: $!");
  my $pid = fork();
  return $fail->("fork: $!") unless defined $pid;
  if ($pid == 0) {
    close($err_r);
    my $die = sub { syswrite($err_w, $_[0]); _exit(127) };
    setsid() or $die->("setsid: $!");
    chdir($dir) or $die->("chdir $dir: $!");
    open(STDIN, '<', '/dev/null') or $die->("stdin: $!");
    open(STDOUT, '>&', $out) or $die->("stdout: $!");
    open(STDERR, '>&', $out) or $die->("stderr: $!");
    @ENV{ keys %env } = values %env;
    exec { '/bin/sh' } '/bin/sh', '-c', $wrapper, 'qm-job', @args or $die->("exec /bin/sh: $!");
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

my $input = IO::Select->new(\*STDIN);
my $pending = '';
while (1) {
  reap();
  # A child may end between reap() and the wait: while runs are out, wake now and then.
  next unless $input->can_read(%request_of ? 0.05 : undef);
  my $n = sysread(STDIN, $pending, 65536, length $pending);
  next if !defined $n && $!{EINTR};
  exit 0 unless $n;
  while ($pending =~ s/^([^\n]*)\n//) {
    start(map { unhex($_) } split(/ /, $1, -1));
  }
}
