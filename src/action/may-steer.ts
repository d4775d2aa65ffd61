// Who may steer, asked of GitHub once per author: bots go by allowed-bots,
// people by their repository permission, a deleted account (no login) by
// nothing. Shared by the intake and the pull request's.
import { isBot, isListedBot } from '../core/steering.js';
import { PermissionUnknownError } from '../github/repo-api.js';
import type { Toolkit } from './toolkit.js';

export interface Steering {
  mayGovern: (login: string) => boolean;
  /** Set when GitHub could not say for this author: the caller stops before what they wrote. */
  unknown: { author: string; message: string } | null;
}

/** Asks in the order given and stops at the first author GitHub cannot answer for. */
export async function whoMaySteer(kit: Toolkit, authors: { author: string; type: string }[]): Promise<Steering> {
  const allowed = new Map<string, boolean>();
  const mayGovern = (login: string) => allowed.get(login) ?? false;
  for (const { author, type } of authors) {
    if (allowed.has(author)) continue;
    try {
      allowed.set(author, author !== '' && (isBot(author, type) ? isListedBot(author, kit.config.inputs.allowedBots) : await kit.api.canSteer(author)));
    } catch (error) {
      if (!(error instanceof PermissionUnknownError)) throw error;
      return { mayGovern, unknown: { author, message: error.message } };
    }
  }
  return { mayGovern, unknown: null };
}
