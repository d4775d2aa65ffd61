// The values nothing samocode writes may hold.

/** Its inputs' tokens and every credential-looking variable. */
export function knownSecrets(env: NodeJS.ProcessEnv, values: (string | undefined)[]): string[] {
  const fromEnv = Object.entries(env)
    .filter(([name, value]) => value && value.length >= 8 && /(TOKEN|SECRET|PASSWORD|API_KEY|_KEY$|CREDENTIALS)/i.test(name))
    .map(([, value]) => value!);
  return [...new Set([...values, ...fromEnv].filter((v): v is string => typeof v === 'string' && v.length >= 6))];
}
