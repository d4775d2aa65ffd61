// `samocode approve`: a person's approval of the plan as it is now, bound to its blob id.
import { parseArgs } from 'node:util';
import { recordApproval } from '../core/gates.js';
import { isoStamp } from '../core/time.js';
import { FsSessionStore } from '../session/fs-store.js';
import { findSession, personName } from './open-session.js';
import { loadPaths } from './project.js';
import { EXIT } from './exit-codes.js';
import { UsageError, err, out, shellWord } from './usage.js';

export async function approve(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, session: { type: 'string' } } });
  if (!values.session) throw new UsageError('approve needs --session NAME');
  const paths = loadPaths(values.config);
  const found = await findSession(paths, values.session, new Date());
  if (found.isNew) {
    err(`samocode: no session "${values.session}" in ${paths.sessions}`);
    return EXIT.error;
  }
  const store = new FsSessionStore({ sessionPath: found.path, workdir: paths.mainRepo });
  const plan = await store.planFingerprint();
  if (!plan) {
    err(`samocode: ${found.folder} has no plan file (*plan*.md) to approve yet`);
    return EXIT.error;
  }
  const gates = await store.readGates();
  await store.writeGates(recordApproval(gates, { plan: plan.file, blob: plan.blob, by: personName(), at: isoStamp(Date.now()), source: 'samocode approve' }));
  const target = `--config ${shellWord(paths.configFile)} --session ${shellWord(values.session)}`;
  out(`samocode: approved ${plan.file} (blob ${plan.blob.slice(0, 12)}) for ${found.folder}; run \`samocode run ${target}\` to continue`);
  return EXIT.done;
}
