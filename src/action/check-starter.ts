// Step: only a person who may steer (or a listed bot) starts a session.
import { isBot, isListedBot } from '../core/steering.js';
import { marker, noticeComment } from '../core/render.js';
import { PermissionUnknownError, type IssueInfo } from '../github/repo-api.js';
import { postNotice } from './post-notice.js';
import type { ActiveIntent } from './intent.js';
import { StopRun } from './stop.js';
import type { Toolkit } from './toolkit.js';

export async function checkStarter(kit: Toolkit, intent: ActiveIntent, issue: IssueInfo): Promise<void> {
  if (intent.kind !== 'start') return;
  const { actor, actorType } = intent;
  // A listed bot is let in by allowed-bots; anyone else, bot or person, needs write access.
  if (isBot(actor, actorType) && isListedBot(actor, kit.config.inputs.allowedBots)) return;
  let allowed: boolean;
  try {
    allowed = await kit.api.canSteer(actor);
  } catch (error) {
    if (!(error instanceof PermissionUnknownError)) throw error;
    // An API error means no: nothing starts on a permission nobody could check.
    await postNotice(kit, issue.number, 'refused-start', actor, `@${actor} samocode could not check your permission on this repository (${error.message}), so nothing was started; add the label again later.`);
    throw new StopRun(`${error.message}; nothing was started`, 'refused');
  }
  if (allowed) return;
  await kit.api.commentOnce(
    issue.number,
    marker('refused-start', actor),
    noticeComment('refused-start', actor, `@${actor} only people with write access to this repository can start samocode; nothing was started.`),
  );
  throw new StopRun(`@${actor} may not start a session: only people with write access to this repository can`, 'refused');
}
