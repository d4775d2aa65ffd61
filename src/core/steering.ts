// Who may steer a session, as policy: people by their repository permission
// (asked of GitHub by the caller), bots only when listed in allowed-bots.

export const isBot = (login: string, type: string | undefined) => type === 'Bot' || login.endsWith('[bot]');

/** True for a listed bot. */
export function isListedBot(login: string, allowedBots: string[]): boolean {
  const bare = login.replace(/\[bot\]$/, '');
  return allowedBots.some((b) => b === login || b === bare);
}

/** The bot rule alone: a person passes it (their permission is checked apart), a bot only when listed. */
export function passesBotRule(login: string, type: string | undefined, allowedBots: string[]): boolean {
  return !isBot(login, type) || isListedBot(login, allowedBots);
}
