#!/bin/bash
# Boots a real systemd as PID 1 of its own PID, mount, UTS, IPC and cgroup namespaces, on a
# throw-away copy of this machine's root (an overlay whose writes go to memory), so that
# deploy/systemd's units can be installed exactly as docs/deploy.md says and run for real
# on a machine whose PID 1 is not systemd. Nothing is written to the host's files: the
# account `qm`, /etc/systemd/system, /opt/queuemanager and /var/lib/queuemanager exist only
# in the overlay. The network is the host's (the web server's port is reachable from here).
#
#   systemd-namespace.sh boot STATE_DIR [CODE_DIR]  boot; CODE_DIR (default: this checkout)
#                                                   appears read-only as /opt/queuemanager
#   systemd-namespace.sh run STATE_DIR CMD...       run CMD inside (systemctl, journalctl...)
#   systemd-namespace.sh destroy STATE_DIR          kill everything inside, remove its cgroups
#
# Needs root, unshare/nsenter (util-linux), overlayfs and systemd. Exit status 2 with a
# reason on stderr when booting is impossible here. Control groups: the v1 hierarchies and
# the v2 one that this machine mounts, each entered at a new child of this process's own
# cgroup, which the namespace sees as its root (STATE_DIR/cgroups lists them for destroy).
set -euo pipefail

die() { echo "systemd-namespace: $*" >&2; exit 1; }
impossible() { echo "systemd-namespace: cannot boot systemd here: $*" >&2; exit 2; }

# Units that would reach outside the namespace (kernel modules, sysctls, clocks, devices,
# the host's own services on the shared network) or that have nothing to do in it.
MASKED="systemd-modules-load.service kmod-static-nodes.service systemd-sysctl.service
systemd-binfmt.service proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount
systemd-udevd.service systemd-udev-trigger.service systemd-udev-settle.service
systemd-udevd-control.socket systemd-udevd-kernel.socket systemd-timesyncd.service
systemd-pstore.service systemd-firstboot.service systemd-repart.service
systemd-pcrphase.service systemd-pcrphase-sysinit.service systemd-random-seed.service
systemd-hwdb-update.service dev-hugepages.mount dev-mqueue.mount sys-kernel-config.mount
sys-kernel-debug.mount sys-kernel-tracing.mount sys-fs-fuse-connections.mount
getty.target console-getty.service getty@.service serial-getty@.service
container-getty@.service systemd-logind.service apt-daily.timer apt-daily-upgrade.timer
man-db.timer e2scrub_all.timer fstrim.timer dpkg-db-backup.timer"
# Capabilities that no unit inside may use: they act on the whole machine.
DROPPED_CAPS="-sys_module,-sys_time,-sys_rawio,-syslog,-net_admin,-mac_admin,-mac_override,-audit_control,-wake_alarm,-block_suspend,-sys_pacct"

# "id:controllers:path" lines of /proc/self/cgroup -> "mount-dir mount-options path".
cgroup_hierarchies() {
  local id controllers cgpath
  while IFS=: read -r id controllers cgpath; do
    if [ "$id" = 0 ]; then
      [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] && echo "unified - $cgpath"
    elif [ -n "$controllers" ] && mountpoint -q "/sys/fs/cgroup/${controllers#name=}"; then
      case $controllers in name=*) echo "${controllers#name=} none,$controllers $cgpath" ;; *) echo "$controllers $controllers $cgpath" ;; esac
    fi
  done </proc/self/cgroup
}

# A cgroup of our own in each hierarchy, this shell moved into it (the namespace's root).
enter_own_cgroups() {
  local state=$1 dir opts cgpath cg
  : >"$state/cgroups"
  while read -r dir opts cgpath; do
    cg="/sys/fs/cgroup/$dir${cgpath%/}/qm-systemd-$(basename "$state")"
    mkdir "$cg"
    echo "$cg" >>"$state/cgroups"
    if [ -f "$cg/cpuset.cpus" ]; then
      cat "$(dirname "$cg")/cpuset.cpus" >"$cg/cpuset.cpus"
      cat "$(dirname "$cg")/cpuset.mems" >"$cg/cpuset.mems"
    fi
    echo "$BASHPID" >"$cg/cgroup.procs"
    echo "$dir $opts" >>"$state/hierarchies"
  done < <(cgroup_hierarchies)
}

# PID 1 of the new namespaces until it execs systemd: the root it will see, then systemd.
init_namespace() {
  local state=$1 code=$2 root=$1/root dir opts unit
  mount --make-rprivate /
  mount -t tmpfs -o mode=0700 qm-systemd-layers "$state/layers"
  mkdir "$state/layers/upper" "$state/layers/work"
  mount -t overlay qm-systemd-root -o "lowerdir=/,upperdir=$state/layers/upper,workdir=$state/layers/work" "$root"

  mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
  mount --bind "$root/proc/sys" "$root/proc/sys"
  mount -o remount,bind,ro "$root/proc/sys"
  mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
  mount -t tmpfs -o mode=0755,nosuid,nodev,noexec cgroup "$root/sys/fs/cgroup"
  while read -r dir opts; do
    mkdir "$root/sys/fs/cgroup/$dir"
    if [ "$opts" = - ]; then mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$root/sys/fs/cgroup/$dir"
    else mount -t cgroup -o "nosuid,nodev,noexec,$opts" cgroup "$root/sys/fs/cgroup/$dir"; fi
  done <"$state/hierarchies"

  # A /dev of its own: the harmless nodes, its own ptys, no disks, no console of the host's.
  mount -t tmpfs -o mode=0755,nosuid qm-systemd-dev "$root/dev"
  for node in null zero full random urandom tty; do
    touch "$root/dev/$node"
    mount --bind "/dev/$node" "$root/dev/$node"
  done
  mkdir "$root/dev/pts" "$root/dev/shm"
  mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
  ln -s pts/ptmx "$root/dev/ptmx"
  mount -t tmpfs -o mode=1777,nosuid,nodev qm-systemd-shm "$root/dev/shm"
  ln -s /proc/self/fd "$root/dev/fd"

  mount -t tmpfs -o mode=0755,nosuid,nodev qm-systemd-run "$root/run"
  mount -t tmpfs -o mode=1777,nosuid,nodev qm-systemd-tmp "$root/tmp"

  # The host's enabled units (nginx, postgresql...) must not start here: an empty
  # /etc/systemd/system, no generators (they would turn /etc/init.d into units).
  rm -rf "$root/etc/systemd/system" "$root/lib/systemd/system-generators"
  mkdir -p "$root/etc/systemd/system"
  for unit in $MASKED; do ln -s /dev/null "$root/etc/systemd/system/$unit"; done
  ln -s /lib/systemd/system/multi-user.target "$root/etc/systemd/system/default.target"
  : >"$root/etc/machine-id"

  mkdir -p "$root/opt/queuemanager"
  mount --bind "$code" "$root/opt/queuemanager"
  mount -o remount,bind,ro "$root/opt/queuemanager"

  cd "$root"
  mkdir -p .host
  pivot_root . .host
  umount -l /.host
  rmdir /.host
  exec setpriv --bounding-set "$DROPPED_CAPS" env -i container=qm-systemd-namespace TERM=dumb /lib/systemd/systemd --show-status=no
}

host_pid() { cat "$1/pid" 2>/dev/null || die "$1 holds no booted namespace"; }

run_inside() {
  local state=$1; shift
  nsenter --target "$(host_pid "$state")" --mount --pid --uts --ipc --cgroup -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin SYSTEMD_PAGER= SYSTEMD_COLORS=0 "$@"
}

boot() {
  local state=$1 code=${2:-$(cd "$(dirname "$0")/../.." && pwd)} init
  [ "$(id -u)" = 0 ] || impossible "not root"
  [ -x /lib/systemd/systemd ] || impossible "/lib/systemd/systemd is not installed"
  for tool in unshare nsenter setpriv mountpoint; do command -v $tool >/dev/null || impossible "$tool is missing (util-linux)"; done
  grep -qw overlay /proc/filesystems || impossible "the kernel has no overlayfs"
  [ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] || impossible "only control groups v1 (or hybrid) hosts are handled, /sys/fs/cgroup is $(stat -f -c %T /sys/fs/cgroup)"
  mkdir -p "$state/layers" "$state/root"
  : >"$state/hierarchies"
  (
    enter_own_cgroups "$state"
    exec unshare --pid --fork --kill-child --mount --uts --ipc --cgroup "$0" __init "$state" "$code" >"$state/console.log" 2>&1 </dev/null
  ) &
  echo $! >"$state/unshare.pid"
  # The namespace's PID 1 is unshare's only child (once the subshell has become unshare).
  local up init=
  up=$(cat "$state/unshare.pid")
  for _ in $(seq 200); do
    if [ "$(cat "/proc/$up/comm" 2>/dev/null)" = unshare ]; then
      init=$(awk '{print $1}' "/proc/$up/task/$up/children")
      [ -n "$init" ] && break
    fi
    sleep 0.05
  done
  [ -n "$init" ] || { cat "$state/console.log" >&2; die "the namespace did not start"; }
  echo "$init" >"$state/pid"
  # Up when systemd answers and has reached its default target (or gave up on it).
  for _ in $(seq 300); do
    if [ "$(readlink "/proc/$init/exe" 2>/dev/null)" = /usr/lib/systemd/systemd ] || [ "$(readlink "/proc/$init/exe" 2>/dev/null)" = /lib/systemd/systemd ]; then
      state_now=$(run_inside "$state" systemctl is-system-running 2>/dev/null || true)
      case $state_now in running | degraded) echo "$state_now"; return 0 ;; esac
    fi
    is_alive "$init" || { cat "$state/console.log" >&2; die "systemd exited"; }
    sleep 0.1
  done
  cat "$state/console.log" >&2
  die "systemd did not finish booting in 30 s"
}

# Alive: exists and is not a zombie (this machine's PID 1 may be slow to reap orphans).
is_alive() { [ -n "$1" ] && [ -r "/proc/$1/stat" ] && ! awk '{exit $3 != "Z"}' "/proc/$1/stat" 2>/dev/null; }

destroy() {
  local state=$1 pid cg
  # SIGKILL to the namespace's PID 1: the kernel kills every process in it, and its mounts go.
  for pid in $(cat "$state/pid" "$state/unshare.pid" 2>/dev/null); do
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 100); do is_alive "$pid" || break; sleep 0.05; done
    is_alive "$pid" && die "process $pid does not die"
  done
  # Children first: systemd's slices and the worker's run cgroups sit below ours.
  if [ -f "$state/cgroups" ]; then
    while read -r cg; do
      [ -d "$cg" ] || continue
      for _ in $(seq 100); do
        find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
        [ -d "$cg" ] || break
        sleep 0.05
      done
      [ -d "$cg" ] && echo "systemd-namespace: could not remove $cg" >&2
    done <"$state/cgroups"
  fi
  rm -rf "$state"
}

case ${1:-} in
  boot) boot "$2" "${3:-}" ;;
  run) state=$2; shift 2; run_inside "$state" "$@" ;;
  destroy) destroy "$2" ;;
  __init) init_namespace "$2" "$3" ;;
  *) die "usage: $0 boot|run|destroy STATE_DIR ..." ;;
esac
