// What each agent CLI needs from its user, in one place: the npm package the
// workflow installs, the secrets it reads, and where its model API's address
// and key go. The README, the copied workflow, `init`/`doctor` and the model
// gateway read these names from here.

export interface EngineFacts {
  /** The npm package that installs the CLI, and the version the tests run. */
  npmPackage: string;
  testedVersion: string;
  /** The command it installs. */
  command: string;
  /** Secrets the workflow passes, any one of which is enough (the first is the usual one). */
  secrets: string[];
  /** The model API the CLI talks to: the variable of its address and of its key, where it takes them from the environment. */
  api: { kind: 'anthropic' | 'openai-responses' | 'openai-chat' | 'gemini'; baseUrlEnv?: string; keyEnv: string };
  /** Terminal mode's `.env` keys. */
  pathKey: string;
  modelKey: string;
  timeoutKey: string;
}

export const ENGINES = {
  claude: {
    npmPackage: '@anthropic-ai/claude-code',
    testedVersion: '2.1.332',
    command: 'claude',
    secrets: ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'],
    api: { kind: 'anthropic', baseUrlEnv: 'ANTHROPIC_BASE_URL', keyEnv: 'ANTHROPIC_API_KEY' },
    pathKey: 'CLAUDE_PATH',
    modelKey: 'CLAUDE_MODEL',
    timeoutKey: 'CLAUDE_TIMEOUT',
  },
  codex: {
    npmPackage: '@openai/codex',
    testedVersion: '0.169.0',
    command: 'codex',
    secrets: ['OPENAI_API_KEY'],
    // Codex takes its address from a provider in config.toml (`base_url`), not from the environment.
    api: { kind: 'openai-responses', keyEnv: 'OPENAI_API_KEY' },
    pathKey: 'CODEX_PATH',
    modelKey: 'CODEX_MODEL',
    timeoutKey: 'CODEX_TIMEOUT',
  },
  gemini: {
    npmPackage: '@google/gemini-cli',
    testedVersion: '0.61.0',
    command: 'gemini',
    secrets: ['GEMINI_API_KEY'],
    api: { kind: 'gemini', baseUrlEnv: 'GOOGLE_GEMINI_BASE_URL', keyEnv: 'GEMINI_API_KEY' },
    pathKey: 'GEMINI_PATH',
    modelKey: 'GEMINI_MODEL',
    timeoutKey: 'GEMINI_TIMEOUT',
  },
  copilot: {
    npmPackage: '@github/copilot',
    testedVersion: '1.0.102',
    command: 'copilot',
    // A token of its own (fine-grained, "Copilot Requests" permission), or bring-your-own-key; never the workflow's token.
    secrets: ['COPILOT_GITHUB_TOKEN', 'COPILOT_PROVIDER_API_KEY'],
    api: { kind: 'openai-chat', baseUrlEnv: 'COPILOT_PROVIDER_BASE_URL', keyEnv: 'COPILOT_PROVIDER_API_KEY' },
    pathKey: 'COPILOT_PATH',
    modelKey: 'COPILOT_MODEL',
    timeoutKey: 'COPILOT_TIMEOUT',
  },
  opencode: {
    npmPackage: 'opencode-ai',
    testedVersion: '1.18.33',
    command: 'opencode',
    // Its providers are configured in OPENCODE_CONFIG_CONTENT (or its config file); each names its own key variable.
    secrets: ['OPENCODE_CONFIG_CONTENT', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENROUTER_API_KEY'],
    api: { kind: 'openai-chat', keyEnv: 'OPENCODE_API_KEY' },
    pathKey: 'OPENCODE_PATH',
    modelKey: 'OPENCODE_MODEL',
    timeoutKey: 'OPENCODE_TIMEOUT',
  },
} as const satisfies Record<string, EngineFacts>;

export type EngineName = keyof typeof ENGINES;

export function isEngine(name: string): name is EngineName {
  return Object.hasOwn(ENGINES, name);
}
