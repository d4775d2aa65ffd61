// Step: only a person who may steer (or a listed bot) starts a session.
import { isBot, isListedBot } from '../core/steering.js';
import { marker, noticeComment } from '../core/render.js';
import type { IssueInfo } from '../github/repo-api.js';
import type { ActiveIntent } from './intent.js';
import { StopRun } from './stop.js';
import type { Toolkit } from './toolkit.js';

export async function checkStarter(kit: Toolkit, intent: ActiveIntent, issue: IssueInfo): Promise<void> {
  if (intent.kind !== 'start') return;
  const { actor, actorType } = intent;
  // A listed bot is let in by allowed-bots; anyone else, bot or person, needs write access.
  if (isBot(actor, actorType) && isListedBot(actor, kit.config.inputs.allowedBots)) return;
  if (await kit.api.canSteer(actor)) return;
  await kit.api.commentOnce(
    issue.number,
    marker('refused-start', actor),
    noticeComment('refused-start', actor, `@${actor} only people with write access to this repository can start samocode; nothing was started.`),
  );
  throw new StopRun(`${actor} may not start a session`, 'refused');
}
