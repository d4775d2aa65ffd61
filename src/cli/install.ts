// `samocode install | uninstall`: the skills and phase agents where the Claude CLI finds them.
import { install, uninstall } from '../providers/claude-install.js';
import { packageRoot } from '../providers/prompts.js';
import { out } from './usage.js';

export async function installCommand(command: 'install' | 'uninstall'): Promise<number> {
  const report = command === 'install' ? await install(packageRoot()) : await uninstall();
  const verb = command === 'install' ? 'installed' : 'removed';
  out(`samocode: ${verb} ${report.written.length} file(s) in ${report.target}`);
  for (const path of report.skipped) {
    out(`samocode: left ${path} alone (${command === 'install' ? 'it is not ours' : 'changed since it was installed'})`);
  }
  return 0;
}
