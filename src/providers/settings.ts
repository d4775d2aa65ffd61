// The provider's settings, on their own: the entries and every provider
// import this file, and it imports none of them.
export const PROVIDERS = ['claude', 'codex', 'script'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export function isProvider(value: string): value is ProviderName {
  return (PROVIDERS as readonly string[]).includes(value);
}
