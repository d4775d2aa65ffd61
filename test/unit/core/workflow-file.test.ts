// The few keys doctor reads from a workflow, in the forms GitHub's docs use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVIDER_SECRETS, secretsOf } from '../../../src/core/provider-secrets.js';
import { accessTo, readWorkflow, withoutComment } from '../../../src/core/workflow-file.js';
import { PROVIDERS } from '../../../src/providers/settings.js';
import { ROOT } from '../../helpers/project.js';

const shipped = readFileSync(join(ROOT, '.github', 'workflows', 'samocode.yml'), 'utf8');

describe('readWorkflow', () => {
  it('reads the shipped workflow: its permissions, the secrets it passes, its actions, no App token step', () => {
    const facts = readWorkflow(shipped);
    expect(facts.permissions).toEqual({ contents: 'write', issues: 'write', 'pull-requests': 'write', actions: 'write', checks: 'read' });
    expect(facts.secrets.has('ANTHROPIC_API_KEY')).toBe(true);
    // Named only in a comment: not passed.
    expect(facts.secrets.has('SAMOCODE_APP_PRIVATE_KEY')).toBe(false);
    expect(facts.uses).toContain('./.github/actions/samocode');
    expect(facts.appToken).toBeNull();
  });

  it.each([
    ['permissions: write-all\njobs:\n  a:\n    runs-on: x\n', { all: 'write' }],
    ['permissions: read-all\n', { all: 'read' }],
    ['permissions: { contents: write, issues: read }\n', { contents: 'write', issues: 'read' }],
    ['permissions: {}\n', {}],
    ['permissions:\n  contents: write # push\n\n  issues: none\njobs: {}\n', { contents: 'write', issues: 'none' }],
    // The job's own permissions replace the workflow's.
    ['permissions: read-all\njobs:\n  a:\n    permissions:\n      contents: write\n    steps: []\n', { contents: 'write' }],
    ['on: push\njobs:\n  a:\n    runs-on: x\n', null],
    ['permissions: ${{ fromJSON(x) }}\n', undefined],
    ['permissions:\n  contents: sometimes\n', undefined],
  ])('%j', (text, expected) => {
    expect(readWorkflow(text).permissions).toEqual(expected);
  });

  it('finds an App token step, its variable and secret, and whether its token is the action\'s', () => {
    const text = `jobs:\n  a:\n    steps:\n      - id: app\n        uses: actions/create-github-app-token@v2\n        with:\n          app-id: \${{ vars.APP_ID }}\n          private-key: \${{ secrets.APP_KEY }}\n      - uses: ./.github/actions/samocode\n        with:\n          github-token: \${{ steps.app.outputs.token }}\n`;
    expect(readWorkflow(text).appToken).toEqual({ vars: ['APP_ID'], secrets: ['APP_KEY'], passedAsToken: true });
    expect(readWorkflow(text.replace('github-token', '# github-token')).appToken?.passedAsToken).toBe(false);
  });

  it('cuts comments, not a # inside quotes or a word', () => {
    expect(withoutComment("  body: 'a # b' # note")).toBe("  body: 'a # b'");
    expect(withoutComment('  url: x#y')).toBe('  url: x#y');
    expect(withoutComment('# all of it')).toBe('');
  });

  it('gives a scope none when the map leaves it out, and what read-all says for every scope', () => {
    expect(accessTo({ contents: 'write' }, 'issues')).toBe('none');
    expect(accessTo({ all: 'read' }, 'issues')).toBe('read');
  });
});

describe('the providers\' secrets', () => {
  it('has a row for every provider the action takes, and says so where no name can be checked', () => {
    for (const provider of PROVIDERS) expect(PROVIDER_SECRETS[provider], provider).toBeDefined();
    expect(secretsOf('claude').anyOf).toEqual(['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN']);
    expect(secretsOf('opencode')).toMatchObject({ anyOf: [], note: expect.stringContaining('depends on its configuration') });
    expect(secretsOf('nope').note).toContain('no secrets are known');
  });
});
