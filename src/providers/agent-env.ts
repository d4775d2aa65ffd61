// The agent's environment. In GitHub mode it is an allow-list: the agent
// never sees the GitHub token or anything else the runner holds unless a
// class below admits it. In terminal mode it is the person's own environment,
// as when they run the CLI themselves (`inherit`). `NEVER` holds in both.
import { codexEnvKeys } from './codex-env-key.js';

export type EnvPolicy = 'inherit' | 'allow-list';

// RUNNER_TRACKING_ID: a self-hosted runner finds the processes a job left behind by it.
const ALWAYS = ['RUNNER_TRACKING_ID', 'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LANGUAGE', 'TZ', 'TERM', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'];
const ALWAYS_PREFIXES = ['LC_'];
/** Never passed, whatever a class, a policy or `agent-env` says: the runner's own credentials. */
export const NEVER = ['GITHUB_TOKEN', 'GH_TOKEN', 'INPUT_GITHUB-TOKEN', 'INPUT_WORKFLOW-TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL'];

/**
 * The build tools the runner image set up, so the agent can build and test:
 * where each toolchain lives, and what the runner says about itself. None is
 * a credential; a name that looks like one is refused all the same.
 */
const TOOLCHAIN_NAMES = [
  'CI', 'pythonLocation', 'PKG_CONFIG_PATH', 'Python_ROOT_DIR', 'Python2_ROOT_DIR', 'Python3_ROOT_DIR',
  'CONDA', 'ANDROID_SDK_ROOT', 'ANDROID_NDK', 'ANDROID_NDK_ROOT', 'DOTNET_ROOT', 'DOTNET_NOLOGO',
  'DOTNET_SKIP_FIRST_TIME_EXPERIENCE', 'VCPKG_INSTALLATION_ROOT', 'AGENT_TOOLSDIRECTORY', 'SELENIUM_JAR_PATH',
  'CHROMEWEBDRIVER', 'EDGEWEBDRIVER', 'GECKOWEBDRIVER', 'CHROME_BIN', 'ImageOS', 'ImageVersion', 'GOPATH', 'GOFLAGS',
  'NVM_DIR', 'PIPX_BIN_DIR', 'POWERSHELL_DISTRIBUTION_CHANNEL', 'DEBIAN_FRONTEND', 'XDG_CONFIG_HOME', 'XDG_RUNTIME_DIR',
  'RUNNER_OS', 'RUNNER_ARCH', 'RUNNER_NAME', 'RUNNER_ENVIRONMENT', 'RUNNER_TEMP', 'RUNNER_TOOL_CACHE', 'RUNNER_WORKSPACE', 'RUNNER_DEBUG',
];
/** `JAVA_HOME_17_X64`, `GOROOT_1_22_X64`, `ANDROID_HOME`, `GRADLE_HOME`, `CARGO_HOME`, … */
const TOOLCHAIN_PATTERNS = [/^JAVA_HOME(_\w+)?$/, /^GOROOT(_\w+)?$/, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*_HOME$/, /^ANDROID_NDK_\w+$/];
/** Refused from the toolchain class whatever its shape: a credential's name. */
const CREDENTIAL_NAME = /(TOKEN|SECRET|PASSW|PASSPHRASE|CREDENTIAL|PRIVATE|API_?KEY|_KEY(_|$)|AUTH|COOKIE|SESSION)/i;

/** The agent CLIs' own variables belong to the CLI-own class, each to its CLI: `CODEX_HOME` is not a toolchain of Claude's. */
const AGENT_CLI_NAME = /^(ANTHROPIC|CLAUDE|OPENAI|CODEX|GEMINI|GOOGLE_GEMINI|COPILOT|OPENCODE)_/;

export function isToolchainVariable(name: string): boolean {
  if (CREDENTIAL_NAME.test(name) || AGENT_CLI_NAME.test(name)) return false;
  return TOOLCHAIN_NAMES.includes(name) || TOOLCHAIN_PATTERNS.some((p) => p.test(name));
}

const truthy = (value: string | undefined) => value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
const VERTEX_NAMES = ['GOOGLE_APPLICATION_CREDENTIALS', 'CLOUD_ML_REGION', 'ANTHROPIC_VERTEX_PROJECT_ID', 'GOOGLE_CLOUD_PROJECT', 'CLOUDSDK_CORE_PROJECT'];

/** Claude Code on Bedrock or Vertex needs that cloud's credentials, and only when it is told to use it. */
export function cloudCredentialAllowed(cli: string | undefined, source: NodeJS.ProcessEnv): (name: string) => boolean {
  if (cli !== 'claude') return () => false;
  const bedrock = truthy(source.CLAUDE_CODE_USE_BEDROCK);
  const vertex = truthy(source.CLAUDE_CODE_USE_VERTEX);
  return (name) => (bedrock && name.startsWith('AWS_')) || (vertex && (VERTEX_NAMES.includes(name) || name.startsWith('VERTEX_REGION_')));
}

export interface AgentEnvOptions {
  /** `inherit` passes the whole source but `NEVER` (terminal mode); the default is the allow-list. */
  policy?: EnvPolicy;
  /** The CLI's name (`claude`, `codex`): picks its cloud credentials and its config's `env_key`. */
  cli?: string;
  /** Prefixes of the CLI's own credentials and config, e.g. `ANTHROPIC_`, `CLAUDE_`. */
  credentialPrefixes: string[];
  /** Extra names the user allowed (input `agent-env`). */
  extra?: string[];
  /** Variables to set for this call (SAMOCODE_*). */
  set: Record<string, string>;
  /** A token the user chose to give the agent (input `agent-github-token`), as GITHUB_TOKEN and GH_TOKEN. */
  githubToken?: string;
}

function allowListed(source: NodeJS.ProcessEnv, options: AgentEnvOptions): (name: string) => boolean {
  const extra = new Set(options.extra ?? []);
  if (options.cli === 'codex') for (const key of codexEnvKeys(source)) extra.add(key);
  const prefixes = [...ALWAYS_PREFIXES, ...options.credentialPrefixes];
  const cloud = cloudCredentialAllowed(options.cli, source);
  return (name) => ALWAYS.includes(name) || extra.has(name) || prefixes.some((p) => name.startsWith(p)) || isToolchainVariable(name) || cloud(name);
}

export function agentEnv(source: NodeJS.ProcessEnv, options: AgentEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  const deny = new Set(NEVER);
  const allowed = options.policy === 'inherit' ? () => true : allowListed(source, options);
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || deny.has(name)) continue;
    if (allowed(name)) env[name] = value;
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
