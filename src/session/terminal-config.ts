// Terminal mode's configuration: the project's `.samocode` file (paths) and
// the `.env` beside it (provider settings), compatible with the original
// worker. The process environment wins over `.env`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export const REQUIRED_KEYS = ['MAIN_REPO', 'WORKTREES', 'SESSIONS'] as const;
export const ENV_KEYS = [
  'SAMOCODE_PROVIDER',
  'CLAUDE_PATH',
  'CLAUDE_MODEL',
  'CLAUDE_TIMEOUT',
  'CODEX_PATH',
  'CODEX_MODEL',
  'CODEX_TIMEOUT',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_CHAT_ID',
  'SAMOCODE_SCRIPT',
] as const;
export type EnvKey = (typeof ENV_KEYS)[number];

export interface ProjectPaths {
  configFile: string;
  mainRepo: string;
  worktrees: string;
  sessions: string;
}

export type Loaded<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** `KEY=value` lines; `#` comments, `export `, and matching quotes allowed. */
export function parseKeyValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!.trim();
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2]!;
    else value = value.replace(/\s+#.*$/, '');
    values.set(match[1]!, value);
  }
  return values;
}

function expandPath(value: string, baseDir: string): string {
  const home = value === '~' || value.startsWith('~/') ? join(homedir(), value.slice(1)) : value;
  return isAbsolute(home) ? home : resolve(baseDir, home);
}

export function loadProjectPaths(configPath: string): Loaded<ProjectPaths> {
  const configFile = resolve(configPath);
  if (!existsSync(configFile)) return { ok: false, problems: [`config file not found: ${configPath}`] };
  if (!statSync(configFile).isFile()) {
    return { ok: false, problems: [`--config must name the .samocode file, not a folder: ${configPath}`] };
  }
  const values = parseKeyValues(readFileSync(configFile, 'utf8'));
  const baseDir = dirname(configFile);
  const problems: string[] = [];
  const paths: Record<string, string> = {};
  for (const key of REQUIRED_KEYS) {
    const value = values.get(key);
    if (!value) {
      problems.push(`${configPath}: ${key} is not set`);
      continue;
    }
    const path = expandPath(value, baseDir);
    if (!existsSync(path)) problems.push(`${configPath}: ${key} points to ${path}, which does not exist`);
    else if (!statSync(path).isDirectory()) problems.push(`${configPath}: ${key} points to ${path}, which is not a folder`);
    paths[key] = path;
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: { configFile, mainRepo: paths.MAIN_REPO!, worktrees: paths.WORKTREES!, sessions: paths.SESSIONS! },
  };
}

/** `.env` beside the config file, under the process environment. */
export function loadEnvSettings(configFile: string, env: NodeJS.ProcessEnv): Partial<Record<EnvKey, string>> {
  const envFile = join(dirname(configFile), '.env');
  const fromFile = existsSync(envFile) ? parseKeyValues(readFileSync(envFile, 'utf8')) : new Map<string, string>();
  const settings: Partial<Record<EnvKey, string>> = {};
  for (const key of ENV_KEYS) {
    const value = env[key] ?? fromFile.get(key);
    if (value !== undefined && value !== '') settings[key] = value;
  }
  return settings;
}
