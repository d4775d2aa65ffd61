// `samocode init` through dist/cli.js in a fresh repository: what it writes,
// that the vendored copy alone runs a whole session through its own
// dist/index.js against the stand-ins, that running it again changes
// nothing, that --upgrade replaces the action only, and its refusals.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicStandIn, say } from '../helpers/anthropic-stand-in.js';
import { writeFakeCli } from '../helpers/fake-cli.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { cli, freshRepository } from '../helpers/init-repo.js';
import { ROOT } from '../helpers/project.js';
import { checkout, commentEvent, labeledEvent, makeRemote, remoteBranches, runBuiltAction, type Remote } from '../helpers/runner.js';

const ACTION = '.github/actions/samocode';
const WORKFLOW = '.github/workflows/samocode.yml';
const RECORD = `${ACTION}/samocode-vendored.json`;
const REAL_KEY = 'sk-ant-api03-VendoredCopyGatewayKey-0123456789';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Every file under `dir` but .git, by relative path, with its bytes and modification time. */
function snapshot(dir: string): Map<string, { bytes: string; mtime: number }> {
  const files = new Map<string, { bytes: string; mtime: number }>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.name === '.git') continue;
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), { bytes: readFileSync(path, 'latin1'), mtime: statSync(path).mtimeMs });
    }
  };
  walk(dir);
  return files;
}

const contents = (dir: string) => new Map([...snapshot(dir)].map(([path, file]) => [path, file.bytes]));
const filesOf = (dir: string, under: string) => [...snapshot(dir).keys()].filter((p) => p.startsWith(`${under}/`)).map((p) => p.slice(under.length + 1)).sort();
const shippedFiles = () => {
  const list = (sub: string): string[] => readdirSync(join(ROOT, sub), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(`${sub}/${e.name}`) : [`${sub}/${e.name}`]));
  return ['action.yml', 'dist/index.js', ...list('dist/chunks'), 'dist/relay.js', ...list('prompts'), ...list('scenarios'), 'samocode-vendored.json'].sort();
};

describe('samocode init in a fresh repository', () => {
  let repo: string;
  let first: ReturnType<typeof cli>;
  beforeAll(() => {
    repo = freshRepository();
    first = cli(repo, ['init']);
  });

  it('writes the action, nothing more, and the project\'s own workflow, and records the version', () => {
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    // What dist/index.js reads at run time, and nothing of the CLI's (dist/cli.js, dist/doctor.js, skills/, package.json).
    expect(filesOf(repo, ACTION)).toEqual(shippedFiles());
    for (const path of filesOf(repo, ACTION).filter((p) => p !== 'samocode-vendored.json')) {
      expect(readFileSync(join(repo, ACTION, path)).equals(readFileSync(join(ROOT, path))), path).toBe(true);
    }
    expect(readFileSync(join(repo, WORKFLOW), 'utf8')).toBe(readFileSync(join(ROOT, WORKFLOW), 'utf8'));
    const record = JSON.parse(readFileSync(join(repo, RECORD), 'utf8'));
    expect(record).toMatchObject({ version: VERSION, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), workflow: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('says what to add on GitHub, with the exact gh commands', () => {
    expect(first.stdout).toContain(`wrote ${ACTION} (samocode ${VERSION}`);
    expect(first.stdout).toContain(`wrote ${WORKFLOW}`);
    const commands = first.stdout.split('\n').map((l) => l.trim()).filter((l) => /^(gh|git) /.test(l));
    expect(commands).toEqual([
      `git add ${ACTION} ${WORKFLOW}`,
      "git commit -m 'Set up samocode'",
      'git push',
      'gh secret set ANTHROPIC_API_KEY',
      'gh variable set SAMOCODE_PROVIDER --body claude',
      "gh label create samocode --color 5319e7 --description 'Start a samocode session' --force",
      'gh api --method PUT repos/{owner}/{repo}/actions/permissions/workflow -F can_approve_pull_request_reviews=true',
    ]);
    expect(first.stdout).toContain('samocode doctor');
  });

  it('names the secret of the provider given, and none for script', () => {
    const codex = cli(freshRepository(), ['init', '--provider', 'codex']);
    expect(codex.code).toBe(0);
    expect(codex.stdout).toMatch(/^ {2}gh secret set OPENAI_API_KEY$/m);
    expect(codex.stdout).toMatch(/^ {2}gh variable set SAMOCODE_PROVIDER --body codex$/m);
    const script = cli(freshRepository(), ['init', '--provider', 'script']);
    expect(script.stdout).not.toContain('gh secret set');
    expect(script.stdout).toContain('The script provider needs no secret.');
    const unknown = cli(freshRepository(), ['init', '--provider', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown provider "nope"');
  });

  it('a second init changes nothing', () => {
    const before = snapshot(repo);
    const second = cli(repo, ['init']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('nothing to change');
    expect(snapshot(repo)).toEqual(before);
  });
});

describe('the vendored copy, alone', () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = new FakeGitHub();
    await github.start();
  });
  afterAll(async () => {
    await github.stop();
    expect(github.schemaMismatches).toEqual([]);
  });

  /** A remote whose default branch holds what `samocode init --provider <provider>` wrote (as after the suggested commit and push), and a labelled issue. */
  function vendoredRemote(provider: string, issue: number): Remote {
    const repo = freshRepository();
    expect(cli(repo, ['init', '--provider', provider]).code).toBe(0);
    github.addIssue({ number: issue, title: 'Say hello', body: 'Add a greeting.', labels: ['samocode'] });
    github.permissions.set('Codertocat', 'admin');
    return makeRemote(Object.fromEntries(contents(repo)));
  }
  /** The vendored copy's own entry in a checkout. */
  const vendoredEntry = (ws: string) => join(ws, ACTION, 'dist', 'index.js');

  it('runs a whole session through its own dist/index.js, label to pull request', async () => {
    const remote = vendoredRemote('script', 7);
    const run = (ws: string, event: string, payload: Record<string, unknown>) =>
      runBuiltAction({ entry: vendoredEntry(ws), apiUrl: github.url, snapshotFrom: github, workspace: ws, event, payload, inputs: { 'auto-approve': 'true' } });
    let last = await run(checkout(remote), 'issues', labeledEvent(7));
    expect(last.code, last.stdout + last.stderr).toBe(0);
    for (let i = 0; i < 4 && last.outputs.status !== 'done'; i++) {
      github.addComment(7, 'Codertocat', '/approve');
      last = await run(checkout(remote), 'issue_comment', commentEvent(7, '/approve'));
      expect(last.code, last.stdout + last.stderr).toBe(0);
    }
    expect(last.outputs.status).toBe('done');
    expect(last.outputs['pull-request']).toMatch(/\/pull\/\d+$/);
    expect(remoteBranches(remote)).toContain('samocode/7-say-hello');
    expect(github.pulls.map((p) => p.head)).toEqual(['samocode/7-say-hello']);
  });

  it('runs claude through the model gateway from its own files: the relay it forks is in the copy', async () => {
    const remote = vendoredRemote('claude', 8);
    const standIn = await AnthropicStandIn.start([say('hello')], { apiKey: REAL_KEY });
    // One model call through the relay with what the agent was given, then a stop.
    const agent = await writeFakeCli(
      'claude',
      `fetch(process.env.ANTHROPIC_BASE_URL + '/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': process.env.ANTHROPIC_API_KEY, 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }) })
  .then((r) => r.text().then((t) => fs.writeFileSync(path.join(dir, 'answer.txt'), r.status + ' ' + t)))
  .catch((e) => fs.writeFileSync(path.join(dir, 'answer.txt'), 'error ' + e.message))
  .finally(() => { signal({ status: 'blocked', reason: 'one call made' }); emit({ type: 'result', subtype: 'success', is_error: false, total_cost_usd: 0, num_turns: 1 }); });`,
    );
    try {
      const ws = checkout(remote);
      const run = await runBuiltAction({
        entry: vendoredEntry(ws),
        apiUrl: github.url,
        snapshotFrom: github,
        workspace: ws,
        event: 'issues',
        payload: labeledEvent(8),
        inputs: { provider: 'claude', 'cli-path': agent.path, 'model-gateway': 'on' },
        env: { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standIn.url },
      });
      expect(run.stdout + run.stderr).not.toContain('is not beside');
      expect(run.stdout).toContain('samocode: model gateway: claude through the relay at');
      expect(readFileSync(join(agent.dir, 'answer.txt'), 'utf8')).toMatch(/^200 /);
      expect(standIn.requests.map((r) => [r.url, r.headers['x-api-key']])).toEqual([['/v1/messages', REAL_KEY]]);
      // The agent stops the session once its call is made: a blocked run exits 1 and says why.
      expect(run.outputs.status, run.stdout + run.stderr).toBe('blocked');
      expect(run.stdout).toContain('::error::samocode: blocked: one call made');
    } finally {
      await standIn.close();
    }
  });
});

describe('samocode init --upgrade', () => {
  it('replaces only the action, and leaves a changed workflow alone unless --force', () => {
    const repo = freshRepository();
    expect(cli(repo, ['init']).code).toBe(0);
    // An older copy: another version, a file since changed, one since removed; and the person's own workflow edit.
    const record = JSON.parse(readFileSync(join(repo, RECORD), 'utf8'));
    writeFileSync(join(repo, RECORD), JSON.stringify({ ...record, version: '0.0.1' }));
    writeFileSync(join(repo, ACTION, 'prompts', 'done.md'), 'an older prompt\n');
    writeFileSync(join(repo, ACTION, 'dist', 'chunks', 'old-chunk.js'), 'export {};\n');
    const edited = `${readFileSync(join(repo, WORKFLOW), 'utf8')}# our own note\n`;
    writeFileSync(join(repo, WORKFLOW), edited);

    // Plain init refuses both and writes nothing.
    const before = snapshot(repo);
    const refused = cli(repo, ['init']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`refused: ${ACTION} differs from this version's (samocode 0.0.1's copy); samocode init --upgrade replaces it`);
    expect(refused.stderr).toContain(`refused: ${WORKFLOW} differs from this version's and was changed since samocode init wrote it; samocode init --force replaces it`);
    expect(refused.stderr).toContain('nothing was written');
    expect(snapshot(repo)).toEqual(before);

    const upgraded = cli(repo, ['init', '--upgrade']);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(upgraded.stdout).toContain(`replaced ${ACTION} (samocode ${VERSION}`);
    expect(upgraded.stdout).toContain(`left ${WORKFLOW} alone`);
    expect(filesOf(repo, ACTION)).toEqual(shippedFiles());
    expect(readFileSync(join(repo, ACTION, 'prompts', 'done.md'), 'utf8')).toBe(readFileSync(join(ROOT, 'prompts', 'done.md'), 'utf8'));
    expect(JSON.parse(readFileSync(join(repo, RECORD), 'utf8')).version).toBe(VERSION);
    expect(readFileSync(join(repo, WORKFLOW), 'utf8')).toBe(edited);
    // Only the action's folder changed.
    const after = snapshot(repo);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p)?.bytes !== after.get(p)?.bytes);
    expect(changed.every((p) => p.startsWith(`${ACTION}/`)), changed.join(', ')).toBe(true);

    const forced = cli(repo, ['init', '--upgrade', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`replaced ${WORKFLOW}`);
    expect(readFileSync(join(repo, WORKFLOW), 'utf8')).toBe(readFileSync(join(ROOT, WORKFLOW), 'utf8'));
    expect(cli(repo, ['init']).stdout).toContain('nothing to change');
  });

  it("takes an earlier version's unchanged workflow for its own, and still asks for --force to replace it", () => {
    const repo = freshRepository();
    const older = '# samocode workflow of an earlier version\nname: samocode\n';
    mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
    expect(cli(repo, ['init']).code).toBe(0);
    // As an earlier init would have left it: its workflow, and the record of it.
    writeFileSync(join(repo, WORKFLOW), older);
    const record = JSON.parse(readFileSync(join(repo, RECORD), 'utf8'));
    writeFileSync(join(repo, RECORD), JSON.stringify({ ...record, workflow: createHash('sha256').update(older).digest('hex') }));
    const refused = cli(repo, ['init']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${WORKFLOW} is an earlier version's copy, unchanged since init wrote it; samocode init --force replaces it`);
    const forced = cli(repo, ['init', '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(repo, WORKFLOW), 'utf8')).toBe(readFileSync(join(ROOT, WORKFLOW), 'utf8'));
  });
});

describe('samocode init refuses', () => {
  it('outside a git repository, writing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'samocode-nogit-'));
    const run = cli(dir, ['init']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("is not in a git repository's work tree; run samocode init in your repository's checkout");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, '.github'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('over a workflow of the person\'s own, writing nothing, unless --force', () => {
    const repo = freshRepository();
    mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(repo, WORKFLOW), 'name: ours\non: push\n');
    const run = cli(repo, ['init']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`refused: ${WORKFLOW} differs from this version's and is not one samocode init wrote; samocode init --force replaces it`);
    expect(existsSync(join(repo, ACTION))).toBe(false);
    expect(readFileSync(join(repo, WORKFLOW), 'utf8')).toBe('name: ours\non: push\n');
    const forced = cli(repo, ['init', '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(repo, WORKFLOW), 'utf8')).toBe(readFileSync(join(ROOT, WORKFLOW), 'utf8'));
  });
});
