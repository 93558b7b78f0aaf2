/**
 * How a sandboxed command is kept from the backend: with `namespaces` (the
 * default) it runs in its own PID, mount and (unless `network`) network
 * namespaces; switched off, only in its own process group, as before.
 */
export interface SandboxIsolation {
  namespaces: boolean;
  /** Keep the host's network (no network namespace). */
  network: boolean;
  /** Host paths the command may read besides the system's and its working copy. */
  readOnlyPaths: string[];
  /**
   * Host paths the command may not read though they lie under a directory it is
   * shown (in `readOnlyPaths`, say); the backend's own files and config are hidden
   * besides (see hiddenPaths.ts).
   */
  hiddenPaths: string[];
}

export const DEFAULT_ISOLATION: SandboxIsolation = {
  namespaces: true,
  network: false,
  readOnlyPaths: [],
  hiddenPaths: [],
};

/**
 * System directories the command sees, read-only, besides `readOnlyPaths`. Not /opt
 * (other software's installs and their `.env` files; `readOnlyPaths` shows a part),
 * and of /etc only `ETC_SHOWN`.
 */
const SYSTEM_PATHS = [
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
];

/**
 * What of /etc the command sees (shell patterns): what node, python, git, sh and
 * tools like dbt read to run, resolve names and trust certificates. Not the rest:
 * services' unit files and /etc/default hold their tokens, and /etc/gitconfig,
 * npmrc and pip.conf may hold registry credentials.
 */
export const ETC_SHOWN = [
  '/etc/passwd',
  '/etc/group',
  '/etc/nsswitch.conf',
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/host.conf',
  '/etc/gai.conf',
  '/etc/services',
  '/etc/protocols',
  '/etc/localtime',
  '/etc/timezone',
  '/etc/os-release',
  '/etc/alternatives',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/ssl/certs',
  '/etc/ssl/openssl.cnf',
  '/etc/ca-certificates',
  '/etc/ca-certificates.conf',
  '/etc/ssl/cert.pem', // Alpine's and others' CA bundle
  '/etc/pki/tls/certs',
  '/etc/pki/tls/cert.pem', // RHEL's, Python's default there
  '/etc/pki/ca-trust',
  '/etc/python3*',
  '/etc/java-*', // a JDK's conf/ links here on Debian (Spark, sbt consumers)
  '/etc/R', // R's Renviron
  '/etc/mime.types',
];

/** Shell for the directory holding `$1` (its last path part cut off), without a `dirname` process. */
const PARENT_OF_ARG = '${1%/*}';

/** The line the setup writes on fd 3 just before it starts the command. */
export const READY = 'dsm-sandbox-ready';

/**
 * Run (as root of the new namespaces) by `unshare` as the namespace's first
 * process; it becomes the command with `exec`, so when the command ends, the
 * kernel kills everything left in the PID namespace.
 *
 * It builds a new root on a tmpfs holding only read-only binds of the system
 * directories, of /etc's `ETC_SHOWN` and of the given paths, with the hidden paths among them covered
 * (a directory by an empty read-only tmpfs, a file by /dev/null), the backend's
 * node, the working copy and private temp dir (writable), a fresh /proc, a few
 * devices and an empty /tmp, then `pivot_root`s into it and detaches the old
 * root: no path leads back to the backend's files, even for a process that is
 * root in a user namespace.
 *
 * Arguments: working copy, private temp dir, node's directory, host paths to show
 * read-only, `--`, host paths to hide (real paths), `--`, the command's argv. Any
 * failure exits before the READY line is written.
 */
const SETUP = String.raw`
set -eu
cwd=$1 tmp=$2 node=$3; shift 3
commandPath=$PATH
PATH=/usr/sbin:/usr/bin:/sbin:/bin
root=$(mktemp -d "$tmp/.root-XXXXXX")
mount -t tmpfs -o mode=0755,size=1m dsm-sandbox "$root"
show() {
  [ -e "$1" ] || [ -L "$1" ] || return 0
  [ -e "$root$1" ] && return 0 # already shown through a directory above it
  if [ -L "$1" ] && [ "$2" = system ]; then # /bin -> usr/bin
    mkdir -p "$root${PARENT_OF_ARG}"; ln -s "$(readlink "$1")" "$root$1"; return 0
  fi
  if [ -d "$1" ]; then mkdir -p "$root$1"; else mkdir -p "$root${PARENT_OF_ARG}"; : > "$root$1"; fi
  mount --rbind -o ro "$1" "$root$1" # mount(8) binds, then remounts it read-only
}
mkdir -p "$root/tmp" "$root/proc" "$root/dev"
mount -t tmpfs -o mode=1777,size=64m dsm-tmp "$root/tmp"
for p in ${SYSTEM_PATHS.join(' ')}; do show "$p" system; done
# Their targets (a symlink's too): one missing here is left out.
for p in ${ETC_SHOWN.join(
  ' ',
)}; do if [ -e "$p" ]; then show "$p" given; fi; done
while [ "$1" != -- ]; do show "$1" given; shift; done; shift
hidden=
while [ "$1" != -- ]; do
  if [ -d "$root$1" ] && [ ! -L "$root$1" ]; then
    mount -t tmpfs -o mode=0755,size=64k dsm-hidden "$root$1"
    hidden="$hidden$1
"
  elif [ -e "$root$1" ] && [ ! -L "$root$1" ]; then
    mount --bind -o ro /dev/null "$root$1"
  fi
  shift
done; shift
show "$node" given # even inside a hidden directory
mkdir -p "$root$cwd" "$root$tmp"
mount --bind "$cwd" "$root$cwd"
mount --bind "$tmp" "$root$tmp"
IFS='
'
for h in $hidden; do mount -o remount,ro "$root$h"; done
unset IFS
mount -t proc proc "$root/proc"
for d in null zero full random urandom; do : > "$root/dev/$d"; mount --bind "/dev/$d" "$root/dev/$d"; done
ln -s /proc/self/fd "$root/dev/fd"
if command -v ip > /dev/null; then ip link set lo up 2> /dev/null || true; fi
mkdir "$root/.old"
mount -o remount,bind,ro "$root"
cd "$root"
pivot_root . .old
umount -l /.old
cd "$cwd"
echo ${READY} >&3
exec 3>&-
PATH=$commandPath
exec "$@"
`;

/**
 * The argv that runs `command` (an argv) inside the namespaces. As root the
 * namespaces are made directly; otherwise inside a user namespace where the
 * backend's user is root, with every capability dropped before the command runs.
 */
export function isolatedArgv(
  isolation: SandboxIsolation,
  paths: {
    cwd: string;
    tmp: string;
    /** The backend's node, shown even inside a hidden directory. */
    node: string;
    /** Real host paths to hide (see hiddenPaths.ts). */
    hidden: string[];
  },
  command: string[],
  asRoot: boolean,
): string[] {
  return [
    'unshare',
    ...(asRoot ? [] : ['--user', '--map-root-user']),
    '--pid',
    '--fork',
    '--kill-child',
    '--mount',
    ...(isolation.network ? [] : ['--net']),
    '--',
    '/bin/sh',
    '-c',
    SETUP,
    'dsm-sandbox',
    paths.cwd,
    paths.tmp,
    paths.node,
    ...isolation.readOnlyPaths,
    '--',
    ...paths.hidden,
    '--',
    ...(asRoot
      ? []
      : ['setpriv', '--bounding-set=-all', '--inh-caps=-all', '--']),
    ...command,
  ];
}
