// Terminal mode's configuration: the project's `.samocode` file (paths) and
// the `.env` files (provider settings), compatible with the original worker.
// A setting comes from the process environment, else the `.env` beside
// `.samocode`, else the `.env` in samocode's own install folder.
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
  'GEMINI_PATH',
  'GEMINI_MODEL',
  'GEMINI_TIMEOUT',
  'COPILOT_PATH',
  'COPILOT_MODEL',
  'COPILOT_TIMEOUT',
  'OPENCODE_PATH',
  'OPENCODE_MODEL',
  'OPENCODE_TIMEOUT',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_CHAT_ID',
  'SAMOCODE_SCRIPT',
  'CLAUDE_MAX_TURNS',
  'GIT_BRANCH_PREFIX',
  'SAMOCODE_MAX_RETRIES',
  'SAMOCODE_RETRY_DELAY',
] as const;
/** Settings that name a file: `~` is expanded in them as in the `.samocode` paths. */
export const PATH_KEYS: readonly EnvKey[] = ['CLAUDE_PATH', 'CODEX_PATH', 'GEMINI_PATH', 'COPILOT_PATH', 'OPENCODE_PATH', 'SAMOCODE_SCRIPT'];
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

/** `~` and `~/…` are the home folder, as a shell would have it. */
export function expandHome(value: string): string {
  return value === '~' || value.startsWith('~/') ? join(homedir(), value.slice(1)) : value;
}

function expandPath(value: string, baseDir: string): string {
  const home = expandHome(value);
  return isAbsolute(home) ? home : resolve(baseDir, home);
}

export function loadProjectPaths(configPath: string): Loaded<ProjectPaths> {
  const configFile = resolve(expandHome(configPath));
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

export interface EnvSettings {
  values: Partial<Record<EnvKey, string>>;
  /** Where each value came from, for messages: `the environment` or a `.env` file. */
  origin: Partial<Record<EnvKey, string>>;
}

function readEnvFile(path: string): Map<string, string> {
  return existsSync(path) && statSync(path).isFile() ? parseKeyValues(readFileSync(path, 'utf8')) : new Map();
}

/**
 * Each setting from the process environment, else the `.env` beside the
 * config file, else the `.env` in `installDir` (samocode's own folder, as the
 * original read its `.env`). Empty values count as unset.
 */
export function loadEnvSettings(configFile: string, env: NodeJS.ProcessEnv, installDir?: string): EnvSettings {
  const projectEnv = join(dirname(configFile), '.env');
  const layers: [string, (key: string) => string | undefined][] = [['the environment', (key) => env[key]]];
  const project = readEnvFile(projectEnv);
  layers.push([projectEnv, (key) => project.get(key)]);
  if (installDir) {
    const installEnv = join(installDir, '.env');
    if (installEnv !== projectEnv) {
      const install = readEnvFile(installEnv);
      layers.push([installEnv, (key) => install.get(key)]);
    }
  }
  const result: EnvSettings = { values: {}, origin: {} };
  for (const key of ENV_KEYS) {
    for (const [from, get] of layers) {
      const value = get(key);
      if (value === undefined || value === '') continue;
      result.values[key] = PATH_KEYS.includes(key) ? expandHome(value) : value;
      result.origin[key] = from;
      break;
    }
  }
  return result;
}
