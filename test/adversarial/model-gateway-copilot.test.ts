// The Copilot CLI and the model gateway, through the built action with a
// fake CLI that writes down what it was given: on Copilot's own service (its
// GitHub token) the relay holds that token and the CLI gets the relay's
// address and a placeholder, never the token nor the workflow's; with
// model-gateway: off the CLI holds its own token, still never the workflow's.
// Both modes through the relay are tested with the real CLI in
// test/real-cli/gateway-copilot.test.ts.
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
  it('auto: the relay holds the token; the CLI gets the relay for both its addresses and a placeholder, never the token nor the workflow’s', async () => {
    const { run, result } = await start(821, {});
    expect(run.summary).toMatch(/\*\*Model gateway:\*\* copilot through the relay at http:\/\/\S+ to https:\/\/api\.githubcopilot\.com \(or the Copilot API its sign-in names\) and https:\/\/api\.github\.com for \/copilot_internal\/user, .* only, with the key from COPILOT_GITHUB_TOKEN/);
    expect(result).toEqual({
      COPILOT_GITHUB_TOKEN: expect.stringMatching(/^github_pat_samocodegateway[0-9a-f]{36}$/),
      COPILOT_DEBUG_GITHUB_API_URL: expect.stringMatching(/^http:\/\/(\d+\.){3}\d+:\d+$/),
      COPILOT_API_URL: expect.stringMatching(/^http:\/\/(\d+\.){3}\d+:\d+$/),
    });
    expect(JSON.stringify(result)).not.toContain(COPILOT_TOKEN);
  });

  it('off: the CLI holds its own token, and the run says so; never the workflow’s', async () => {
    const { run, result } = await start(822, { 'model-gateway': 'off' });
    expect(run.summary).toMatch(/\*\*Model gateway:\*\* off \(input model-gateway\): the agent holds its own credential/);
    expect(result).toEqual({ COPILOT_GITHUB_TOKEN: COPILOT_TOKEN });
  });
});
