// The project's `.samocode` file, loaded or reported.
import { loadProjectPaths, type ProjectPaths } from '../session/terminal-config.js';
import { ExitError, err } from './usage.js';

export function loadPaths(config: string | undefined): ProjectPaths {
  const loaded = loadProjectPaths(config ?? '.samocode');
  if (!loaded.ok) {
    for (const problem of loaded.problems) err(`samocode: ${problem}`);
    throw new ExitError(1);
  }
  return loaded.value;
}
