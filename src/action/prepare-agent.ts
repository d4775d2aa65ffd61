// Step: the user the agent runs as (input agent-user). `auto` isolates where
// the action is root or has passwordless sudo; where it cannot, the run says
// so plainly, in the log and the job summary, and goes on as the runner user.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareAgentUser, type AgentIdentity } from '../providers/agent-user.js';
import { failOnIssue } from './post-notice.js';
import type { IssueInfo } from '../github/repo-api.js';
import type { GatewaySetup } from './start-gateway.js';
import type { Toolkit } from './toolkit.js';

export interface AgentSetup {
  identity?: AgentIdentity;
  /** One line on how the agent is isolated, for the job summary. */
  isolation: string;
  /** How the agent reaches its model. */
  gateway: GatewaySetup;
}

export async function prepareAgent(kit: Toolkit, issue: IssueInfo, gateway: GatewaySetup): Promise<AgentSetup> {
  const { inputs, runner } = kit.config;
  // The script provider is our own code, run in this process: there is no agent process to isolate.
  if (inputs.provider === 'script') return { isolation: 'the script provider runs in the action itself (no agent process)', gateway };
  const tempRoot = mkdtempSync(join(runner.tempDir ?? tmpdir(), 'samocode-agent-'));
  let user;
  try {
    user = await prepareAgentUser(inputs.agentUser, { workspace: runner.workspace, tempRoot, log: (line) => kit.log.info(line), withoutLogins: gateway.gateway !== undefined });
  } catch (error) {
    return failOnIssue(kit, issue.number, `cannot set up the agent user (input agent-user: ${inputs.agentUser}): ${(error as Error).message}`);
  }
  if (!user.isolated) {
    const isolation = `not isolated: the agent runs as the runner's user (${user.reason})`;
    if (inputs.agentUser !== 'none') kit.log.warning(`the agent is ${isolation}; it can read this job's environment and .git`);
    return { isolation, gateway };
  }
  return { identity: user, gateway, isolation: `the agent runs as ${user.user} (uid ${user.uid}), which cannot write .git or read this job's environment` };
}
