// The environment of the orchestrator's own git: a small, known set of
// variables, no global or system config, a HOME of its own, and the settings
// that must win over anything in .git/config given as command-line config.
// The token travels here, for these processes only, never in argv or a file.

export interface HermeticEnvOptions {
  /** Where PATH, locale and proxy settings come from. */
  source: NodeJS.ProcessEnv;
  /** A folder only the orchestrator can read: git's HOME. */
  home: string;
  /** The work tree: the one repository these calls may treat as safe. */
  workspace: string;
  identity: { name: string; email: string };
  /** Sent as an auth header to `serverUrl` only. */
  token?: string;
  serverUrl?: string;
}

const PASSED = ['PATH', 'USER', 'LANG', 'SSL_CERT_FILE', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'];

/**
 * Command-line config (`GIT_CONFIG_*`) outranks every config file. These make
 * sure nothing the agent writes runs in our git or changes what it signs.
 */
const FIXED_CONFIG: [string, string][] = [
  ['core.hooksPath', '/dev/null'],
  ['core.fsmonitor', 'false'],
  ['core.quotePath', 'false'],
  ['core.attributesFile', '/dev/null'],
  ['commit.gpgSign', 'false'],
  ['tag.gpgSign', 'false'],
  ['protocol.ext.allow', 'never'],
  ['submodule.recurse', 'false'],
  // A repository the agent makes inside the work tree is added as a gitlink; git
  // then runs `git status` inside it (commit's template, diff, checkout), which
  // reads that repository's own config: its filters and fsmonitor would run here.
  ['commit.status', 'false'],
  ['diff.ignoreSubmodules', 'all'],
  ['status.submoduleSummary', 'false'],
  ['fetch.recurseSubmodules', 'false'],
  ['push.recurseSubmodules', 'no'],
  // Speed, not safety: a checkpoint writes the index three times (status's
  // refresh, the staging, the tree); split, each write is the entries that
  // changed, not the whole index of a big tree.
  ['core.splitIndex', 'true'],
];

export function hermeticEnv(options: HermeticEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.source)) {
    if (v !== undefined && (PASSED.includes(k) || k.startsWith('LC_'))) env[k] = v;
  }
  const { identity } = options;
  Object.assign(env, {
    HOME: options.home,
    XDG_CONFIG_HOME: options.home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
  });
  // The work tree may belong to the agent's user; this repository, and only it, is ours to use.
  const config: [string, string][] = [...FIXED_CONFIG, ['safe.directory', options.workspace]];
  if (options.token) {
    const basic = Buffer.from(`x-access-token:${options.token}`).toString('base64');
    const host = (options.serverUrl ?? 'https://github.com').replace(/\/+$/, '');
    config.push([`http.${host}/.extraheader`, `AUTHORIZATION: basic ${basic}`]);
  }
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}
