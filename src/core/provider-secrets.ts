// The repository secrets each provider's CLI needs in GitHub mode, by name:
// what `samocode init` tells a person to add and `samocode doctor` looks for.
// One row a provider; a provider added to the action adds its row here.

export interface ProviderSecrets {
  /** Any one of these secrets is enough (the first is the one to suggest). */
  anyOf: string[];
  /** What to say when the names depend on more than the provider. */
  note?: string;
}

export const PROVIDER_SECRETS: Record<string, ProviderSecrets> = {
  claude: { anyOf: ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'] },
  codex: { anyOf: ['OPENAI_API_KEY'] },
  gemini: { anyOf: ['GEMINI_API_KEY'] },
  // A token of its own with the Copilot Requests permission, never the workflow's.
  copilot: { anyOf: ['COPILOT_GITHUB_TOKEN'] },
  opencode: {
    anyOf: [],
    note: 'opencode needs the key of the model provider it is configured for (OPENAI_API_KEY, ANTHROPIC_API_KEY, …); which one depends on its configuration, so no name is checked',
  },
  script: { anyOf: [] },
};

/** The row for a provider; an unknown one needs nothing that can be named. */
export function secretsOf(provider: string): ProviderSecrets {
  return PROVIDER_SECRETS[provider] ?? { anyOf: [], note: `no secrets are known for provider "${provider}"` };
}
