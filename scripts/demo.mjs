// `npm run demo`: a whole session with the `script` provider in a temp
// folder, answering the question gate and the plan gate as a person would.
// No credentials, no network.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const project = mkdtempSync(join(tmpdir(), 'samocode-demo-'));
const repo = join(project, 'repo');
for (const dir of [repo, join(project, 'worktrees'), join(project, 'sessions')]) mkdirSync(dir, { recursive: true });
writeFileSync(join(project, '.samocode'), 'MAIN_REPO=./repo\nWORKTREES=./worktrees/\nSESSIONS=./sessions/\n');

// A small repository for the session's worktree; without git the session works in the folder itself.
writeFileSync(join(repo, 'README.md'), '# demo project\n');
const git = (...args) => execFileSync('git', ['-c', 'user.name=demo', '-c', 'user.email=demo@example.com', ...args], { cwd: repo, stdio: 'ignore' });
try {
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
} catch {
  console.log('demo: git is not available; the session will work in the folder directly');
}

const say = (line) => console.log(`\ndemo: ${line}`);
// Exit codes: 0 done, 3 waiting for a person (see the README's table).
function samocode(...args) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: project, stdio: 'inherit' });
  if (result.status !== 0 && result.status !== 3) {
    console.error(`demo: samocode ${args[0]} exited with ${result.status}`);
    process.exit(1);
  }
}
const run = (...extra) => samocode('run', '--config', '.samocode', '--session', 'demo', '--provider', 'script', ...extra);

say(`project in ${project}`);
say('samocode run (a new session)');
run('--task', 'Add a greeting to the project');

const sessionDir = join(project, 'sessions', readdirSync(join(project, 'sessions'))[0]);
say('answering the questions in _qa.md, as a person would');
const qa = join(sessionDir, '_qa.md');
writeFileSync(qa, readFileSync(qa, 'utf8').replaceAll('**Answer:** _waiting_', '**Answer:** A'));

say('samocode run (continues with the answers)');
run();

say('approving the plan');
samocode('approve', '--config', '.samocode', '--session', 'demo');

say('samocode run (continues with the approved plan)');
run();

say('samocode status');
samocode('status', '--config', '.samocode', '--session', 'demo');

const overview = readFileSync(join(sessionDir, '_overview.md'), 'utf8');
if (!/^Next: done$/m.test(overview)) {
  console.error('demo: the session did not finish');
  process.exit(1);
}
say(`the session is done. Session folder: ${sessionDir}`);
