// The settings the entry needs to decide whether to act, read from the
// runner's INPUT_* variables by themselves: the entry imports this file, not
// config.ts, so that an event it ignores loads none of what a run needs
// (the price table, the allow-list parser, the providers' settings).

/** An action input as the runner passes it (`INPUT_<NAME>`), trimmed. */
export function input(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

export const listInput = (env: NodeJS.ProcessEnv, name: string) => input(env, name).split(/[\s,]+/).filter(Boolean);

/** What the cheap entry needs to decide whether to act, without failing on the rest. */
export function intentSettings(env: NodeJS.ProcessEnv = process.env) {
  const path = env.GITHUB_WORKFLOW_REF?.split('@')[0]?.split('/').slice(2).join('/') || undefined;
  return {
    triggerLabel: input(env, 'trigger-label') || 'samocode',
    allowedBots: listInput(env, 'allowed-bots'),
    branchPrefix: input(env, 'branch-prefix') || 'samocode/',
    ownWorkflow: { name: env.GITHUB_WORKFLOW || undefined, path },
  };
}
