// Optional Telegram notifications on waiting, blocked, done and error.
// A notification that fails is a warning, never the session's failure.

export interface TelegramSettings {
  token?: string;
  chatId?: string;
  /** For a local stand-in; the real API otherwise. */
  apiUrl?: string;
  timeoutMs?: number;
}

export type NotifyEvent = 'waiting' | 'blocked' | 'done' | 'error';

const ICON: Record<NotifyEvent, string> = { waiting: '⏸', blocked: '⛔', done: '✅', error: '⚠️' };

export class TelegramNotifier {
  constructor(
    private readonly settings: TelegramSettings,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  get enabled(): boolean {
    return Boolean(this.settings.token && this.settings.chatId);
  }

  /** True when Telegram took the message. */
  async notify(event: NotifyEvent, text: string): Promise<boolean> {
    if (!this.enabled) return false;
    const base = (this.settings.apiUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
    try {
      const response = await fetch(`${base}/bot${this.settings.token}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: this.settings.chatId, text: `${ICON[event]} samocode ${event}: ${text}`.slice(0, 4000), disable_web_page_preview: true }),
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000),
      });
      if (!response.ok) {
        this.warn(`telegram notification failed: HTTP ${response.status}`);
        return false;
      }
      return true;
    } catch (error) {
      this.warn(`telegram notification failed: ${(error as Error).message}`);
      return false;
    }
  }
}
