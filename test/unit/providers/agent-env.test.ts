import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NEVER, agentEnv, isToolchainVariable } from '../../../src/providers/agent-env.js';
import { envKeysIn } from '../../../src/providers/codex-env-key.js';

const claude = { cli: 'claude', credentialPrefixes: ['ANTHROPIC_', 'CLAUDE_'], set: {} };
const codex = { cli: 'codex', credentialPrefixes: ['OPENAI_', 'CODEX_'], set: {} };
const passes = (source: NodeJS.ProcessEnv, options = claude) => Object.keys(agentEnv(source, options));

describe('GitHub mode: the allow-list, class by class', () => {
  const cases: [string, string, boolean][] = [
    // the runner's toolchains
    ['JAVA_HOME', 'toolchain', true],
    ['JAVA_HOME_17_X64', 'toolchain', true],
    ['GOROOT_1_22_X64', 'toolchain', true],
    ['pythonLocation', 'toolchain', true],
    ['PKG_CONFIG_PATH', 'toolchain', true],
    ['ANDROID_HOME', 'toolchain', true],
    ['ANDROID_NDK_LATEST_HOME', 'toolchain', true],
    ['CONDA', 'toolchain', true],
    ['GRADLE_HOME', 'toolchain', true],
    ['CI', 'toolchain', true],
    ['RUNNER_OS', 'toolchain', true],
    ['RUNNER_TEMP', 'toolchain', true],
    // credential-shaped, whatever the shape around it
    ['VAULT_TOKEN_HOME', 'credential-shaped', false],
    ['SECRET_HOME', 'credential-shaped', false],
    ['RUNNER_TOKEN', 'credential-shaped', false],
    ['NPM_AUTH_HOME', 'credential-shaped', false],
    // another agent CLI's config is not a toolchain
    ['CODEX_HOME', "another CLI's", false],
    // not named by any class
    ['AWS_PROFILE', 'cloud, not selected', false],
    ['GOOGLE_APPLICATION_CREDENTIALS', 'cloud, not selected', false],
    ['SSH_AUTH_SOCK', 'not a class', false],
    ['DATABASE_URL', 'not a class', false],
    ['home', 'not a class', false],
  ];
  it.each(cases)('%s (%s): %s', (name, _class, admitted) => {
    expect(passes({ [name]: 'x' }).includes(name)).toBe(admitted);
    expect(isToolchainVariable(name)).toBe(admitted);
  });

  it('admits AWS_* only when Claude is told to use Bedrock', () => {
    const aws = { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_REGION: 'us-east-1', AWS_PROFILE: 'p' };
    expect(passes(aws)).toEqual([]);
    expect(passes({ ...aws, CLAUDE_CODE_USE_BEDROCK: '0' })).toEqual(['CLAUDE_CODE_USE_BEDROCK']);
    expect(passes({ ...aws, CLAUDE_CODE_USE_BEDROCK: '1' }).sort()).toEqual([...Object.keys(aws), 'CLAUDE_CODE_USE_BEDROCK'].sort());
    // Codex has no Bedrock switch: the same variables do not reach it.
    expect(passes({ ...aws, CLAUDE_CODE_USE_BEDROCK: '1' }, codex)).toEqual([]);
  });

  it('admits the Vertex credentials only when Claude is told to use Vertex', () => {
    const vertex = { GOOGLE_APPLICATION_CREDENTIALS: '/k.json', CLOUD_ML_REGION: 'us-east5', VERTEX_REGION_CLAUDE_4_0_OPUS: 'europe-west1' };
    expect(passes(vertex)).toEqual([]);
    expect(passes({ ...vertex, CLAUDE_CODE_USE_VERTEX: 'true', AWS_PROFILE: 'p' }).sort()).toEqual([...Object.keys(vertex), 'CLAUDE_CODE_USE_VERTEX'].sort());
    expect(passes({ ANTHROPIC_VERTEX_PROJECT_ID: 'proj' })).toEqual(['ANTHROPIC_VERTEX_PROJECT_ID']);
  });

  it("admits the variable Codex's config.toml names as env_key, from CODEX_HOME or ~/.codex", () => {
    const home = mkdtempSync(join(tmpdir(), 'samocode-codex-home-'));
    mkdirSync(join(home, '.codex'));
    writeFileSync(join(home, '.codex', 'config.toml'), '[model_providers.azure]\nname = "Azure"\nenv_key = "AZURE_OPENAI_API_KEY"\n');
    const source = { HOME: home, AZURE_OPENAI_API_KEY: 'k', MY_KEY: 'm', GITHUB_TOKEN: 'ghs_x' };
    expect(passes(source, codex).sort()).toEqual(['AZURE_OPENAI_API_KEY', 'HOME']);
    expect(passes(source, claude)).toEqual(['HOME']);

    const codexHome = mkdtempSync(join(tmpdir(), 'samocode-codex-home-'));
    // env_key naming a runner credential: NEVER still wins.
    writeFileSync(join(codexHome, 'config.toml'), "[model_providers.x]\nenv_key = 'MY_KEY' # mine\n[model_providers.y]\nenv_key = \"GITHUB_TOKEN\"\n");
    expect(passes({ ...source, CODEX_HOME: codexHome }, codex).sort()).toEqual(['CODEX_HOME', 'HOME', 'MY_KEY']);
  });

  it('reads env_key lines and nothing that only looks like one', () => {
    expect(envKeysIn('env_key = "A"\n  env_key="B"\n# env_key = "C"\nenv_key = "A"\nother_env_key = "D"\nenv_key = "bad name"\n')).toEqual(['A', 'B']);
  });
});

describe('terminal mode: the person\'s own environment', () => {
  const source = {
    JAVA_HOME: '/jdk', AWS_PROFILE: 'dev', VIRTUAL_ENV: '/venv', SSH_AUTH_SOCK: '/tmp/agent.sock', GOPATH: '/go', DISPLAY: ':0',
    ...Object.fromEntries(NEVER.map((name) => [name, 'ghs_secret'])),
  };
  it('passes everything but the runner credentials in NEVER', () => {
    const env = agentEnv(source, { ...claude, policy: 'inherit', set: { SAMOCODE_PHASE: 'init' } });
    expect(Object.keys(env).sort()).toEqual(['AWS_PROFILE', 'DISPLAY', 'GOPATH', 'JAVA_HOME', 'SAMOCODE_PHASE', 'SSH_AUTH_SOCK', 'VIRTUAL_ENV']);
  });
  it('still gives a chosen GitHub token as GITHUB_TOKEN and GH_TOKEN', () => {
    const env = agentEnv(source, { ...claude, policy: 'inherit', githubToken: 'chosen' });
    expect([env.GITHUB_TOKEN, env.GH_TOKEN]).toEqual(['chosen', 'chosen']);
  });
});
