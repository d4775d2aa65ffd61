// A Codex `config.toml` may name the variable that holds its provider's key
// (`[model_providers.x] env_key = "MY_KEY"`); without it Codex stops with
// "Missing environment variable". Only that key is read: no TOML parser.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const ENV_KEY_LINE = /^\s*env_key\s*=\s*(?:"([A-Za-z_][A-Za-z0-9_]*)"|'([A-Za-z_][A-Za-z0-9_]*)')\s*(?:#.*)?$/;

/** The `env_key` names in a config.toml's text, in order, once each. */
export function envKeysIn(toml: string): string[] {
  const names = new Set<string>();
  for (const line of toml.split(/\r?\n/)) {
    const match = ENV_KEY_LINE.exec(line);
    if (match) names.add((match[1] ?? match[2])!);
  }
  return [...names];
}

/** `$CODEX_HOME/config.toml`, else `~/.codex/config.toml`; none is no names. */
export function codexEnvKeys(env: NodeJS.ProcessEnv): string[] {
  const home = env.CODEX_HOME || join(env.HOME || homedir(), '.codex');
  try {
    return envKeysIn(readFileSync(join(home, 'config.toml'), 'utf8'));
  } catch {
    return [];
  }
}
