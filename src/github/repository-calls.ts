// What the repository API and the pull-request API share: the client, the
// repository, a count of writes, and the body every write sends (redacted,
// then cut under GitHub's limit).
import type { Redactor } from '../core/redact.js';
import { MAX_BODY } from '../core/render.js';
import type { GitHubClient } from './client.js';

export abstract class RepositoryCalls {
  /** API calls that change something, for the job summary and the benchmark. */
  writes = 0;

  constructor(
    protected readonly client: GitHubClient,
    readonly owner: string,
    readonly repo: string,
    protected readonly redactor: Redactor,
  ) {}

  protected body(text: string): string {
    const clean = this.redactor.redact(text);
    return clean.length > MAX_BODY ? `${clean.slice(0, MAX_BODY - 1)}…` : clean;
  }
}
