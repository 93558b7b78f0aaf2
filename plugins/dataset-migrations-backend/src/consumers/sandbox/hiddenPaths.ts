/**
 * What a sandboxed command may not read even where it is shown the host's
 * directories (/usr, a few of /etc's and `readOnlyPaths`): the backend's own install
 * (its package, its node_modules, this plugin), its app-config files, well-known
 * secret stores under /etc (should `readOnlyPaths` show it), and
 * `consumers.sandbox.hiddenPaths`. Paths outside the
 * directories shown are not visible anyway; those are left as they are.
 */
import { existsSync, readdirSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

/** Where machines commonly keep private keys and credentials under /etc. */
export const SECRET_PATHS = [
  '/etc/ssl/private',
  '/etc/pki/tls/private',
  '/etc/ssh',
  '/etc/shadow',
  '/etc/gshadow',
  '/etc/sudoers',
  '/etc/sudoers.d',
  '/etc/letsencrypt',
  '/etc/kubernetes',
  '/etc/backstage',
];

/** Real host paths to hide: the backend's, the secret stores, and `configured`. */
export async function hiddenPaths(configured: string[]): Promise<string[]> {
  const candidates = [
    ...SECRET_PATHS,
    ...backendPaths(),
    ...configFiles(),
    ...configured,
  ];
  const real = await Promise.all(
    candidates.map(p => realpath(p).catch(() => undefined)),
  );
  return [...new Set(real.filter((p): p is string => p !== undefined))];
}

/**
 * The backend's install: the package it runs from (its working directory's),
 * the workspace or app root above it, the node_modules its code loads from, and
 * this plugin's own package.
 */
function backendPaths(): string[] {
  // Where this module's code is loaded from, source or built: that install is
  // what gets hidden, not a path resolvePackagePath would name.
  // eslint-disable-next-line no-restricted-syntax
  const here = __dirname;
  const paths = [packageRoot(process.cwd()), packageRoot(here)];
  const modules = here.lastIndexOf(`${sep}node_modules${sep}`);
  if (modules >= 0) paths.push(here.slice(0, modules + 13));
  try {
    const resolved = require.resolve('@backstage/backend-plugin-api');
    const at = resolved.lastIndexOf(`${sep}node_modules${sep}`);
    if (at >= 0) paths.push(resolved.slice(0, at + 13));
  } catch {
    // Not installed where this module can see it: nothing more to hide.
  }
  // A workspace root (dev, or an app built as a monorepo) holds the config too.
  return paths.flatMap(p => (p ? [p, ...workspaceRoot(p)] : []));
}

/** `--config` files the backend was started with, and app-config*.yaml beside it. */
function configFiles(): string[] {
  const files: string[] = [];
  const argv = process.argv;
  for (const [i, arg] of argv.entries()) {
    if (arg === '--config' && argv[i + 1]) files.push(resolve(argv[i + 1]));
    else if (arg.startsWith('--config='))
      files.push(resolve(arg.slice('--config='.length)));
  }
  for (const dir of new Set([process.cwd(), packageRoot(process.cwd())])) {
    if (!dir) continue;
    try {
      for (const name of readdirSync(dir))
        if (/^app-config.*\.ya?ml$/.test(name)) files.push(join(dir, name));
    } catch {
      // An unreadable directory shows no config files.
    }
  }
  return files;
}

/** The nearest directory at or above `dir` with a package.json. */
function packageRoot(dir: string): string | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return at;
    if (dirname(at) === at) return undefined;
  }
}

/** The directory above `dir` holding the yarn workspace or lock file, if any. */
function workspaceRoot(dir: string): string[] {
  for (let at = dirname(dir); dirname(at) !== at; at = dirname(at)) {
    if (existsSync(join(at, 'yarn.lock'))) return [at];
  }
  return [];
}
