// The agent's environment is an allow-list: it never sees the GitHub token
// or anything else the runner holds unless named.

// RUNNER_TRACKING_ID: a self-hosted runner finds the processes a job left behind by it.
const ALWAYS = ['RUNNER_TRACKING_ID', 'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LANGUAGE', 'TZ', 'TERM', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'];
const ALWAYS_PREFIXES = ['LC_'];
/** Never passed, whatever a prefix or `agent-env` says: the runner's own credentials. */
export const NEVER = ['GITHUB_TOKEN', 'GH_TOKEN', 'INPUT_GITHUB-TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL'];

export interface AgentEnvOptions {
  /** Prefixes of the CLI's own credentials and config, e.g. `ANTHROPIC_`, `CLAUDE_`. */
  credentialPrefixes: string[];
  /** Extra names the user allowed (input `agent-env`). */
  extra?: string[];
  /** Variables to set for this call (SAMOCODE_*). */
  set: Record<string, string>;
  /** A token the user chose to give the agent (input `agent-github-token`), as GITHUB_TOKEN and GH_TOKEN. */
  githubToken?: string;
}

export function agentEnv(source: NodeJS.ProcessEnv, options: AgentEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  const deny = new Set(NEVER);
  const extra = new Set(options.extra ?? []);
  const prefixes = [...ALWAYS_PREFIXES, ...options.credentialPrefixes];
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || deny.has(name)) continue;
    if (ALWAYS.includes(name) || extra.has(name) || prefixes.some((p) => name.startsWith(p))) env[name] = value;
  }
  const github: Record<string, string> = options.githubToken ? { GITHUB_TOKEN: options.githubToken, GH_TOKEN: options.githubToken } : {};
  return { ...env, ...github, ...options.set };
}

export function samocodeVars(sessionPath: string, phase: string, iteration: number): Record<string, string> {
  return {
    SAMOCODE_SESSION_PATH: sessionPath,
    SAMOCODE_PHASE: phase,
    SAMOCODE_ITERATION: String(iteration),
  };
}
