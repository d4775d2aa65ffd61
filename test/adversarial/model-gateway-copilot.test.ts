// The Copilot CLI and the model gateway, through the built action with a
// fake CLI that writes down what it was given: on Copilot's own service (its
// GitHub token) the relay carries nothing, so the run says so and the CLI
// holds that token itself, never the workflow's; with model-gateway: on the
// run fails before the agent starts. Bring-your-own-key through the relay is
// tested with the real CLI in test/real-cli/gateway-copilot.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { writeFakeCli } from '../helpers/fake-cli.js';
import { checkout, labeledEvent, makeRemote, runBuiltAction } from '../helpers/runner.js';

const WORKFLOW_TOKEN = 'ghs_CopilotGatewayWorkflowToken0000000000';
const COPILOT_TOKEN = 'github_pat_CopilotOwnNarrowToken_0123456789';
const github = useFakeGitHub({ Codertocat: 'admin' });

const RECORD = `
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(COPILOT_|GITHUB_TOKEN$|GH_TOKEN$)/.test(k)));
fs.writeFileSync(path.join(dir, 'result.json'), JSON.stringify(env));
signal({ status: 'blocked', reason: 'looked around' });
emit({ type: 'result', exitCode: 0 });
`;

async function start(issue: number, inputs: Record<string, string>) {
  github.addIssue({ number: issue, title: `Copilot ${issue}`, body: 'Use the model.', labels: ['samocode'] });
  const cli = await writeFakeCli('copilot', RECORD);
  const run = await runBuiltAction({
    apiUrl: github.url,
    snapshotFrom: github,
    workspace: checkout(makeRemote()),
    event: 'issues',
    payload: labeledEvent(issue),
    token: WORKFLOW_TOKEN,
    inputs: { provider: 'copilot', 'cli-path': cli.path, ...inputs },
    env: { GITHUB_TOKEN: WORKFLOW_TOKEN, GH_TOKEN: WORKFLOW_TOKEN, COPILOT_GITHUB_TOKEN: COPILOT_TOKEN },
  });
  const file = `${cli.dir}/result.json`;
  return { run, result: existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : null };
}

describe("the Copilot CLI on Copilot's own service and the model gateway (dist/index.js)", () => {
  it('auto: the gateway is not used and the run says why; the CLI holds its own token, never the workflow’s', async () => {
    const { run, result } = await start(821, {});
    expect(run.summary).toMatch(
      /\*\*Model gateway:\*\* not used: the Copilot CLI on Copilot's own service signs in with its GitHub token \(COPILOT_GITHUB_TOKEN\) at api\.github\.com and then calls the Copilot API with it; the gateway carries its bring-your-own-key settings \(COPILOT_PROVIDER_\*\) only; the agent holds its own credential/,
    );
    expect(run.stdout).toContain('::warning::');
    expect(result).toEqual({ COPILOT_GITHUB_TOKEN: COPILOT_TOKEN });
  });

  it('on: the run fails before the agent starts, and the issue says why', async () => {
    const { run, result } = await start(822, { 'model-gateway': 'on' });
    expect(result).toBeNull();
    expect(run.stdout).toContain("::error::samocode: the model gateway cannot run (input model-gateway: on): the Copilot CLI on Copilot's own service signs in with its GitHub token");
    expect(github.issues.get(822)!.comments.some((c) => c.body.includes('the model gateway cannot run'))).toBe(true);
  });
});
