// The Gemini CLI through the relay. The CLI takes the API's address from
// GOOGLE_GEMINI_BASE_URL and appends the API version (`/v1beta/models/…`),
// so the relay needs no prefix; the genai SDK sends the key in
// `x-goog-api-key` (or `?key=`, or a bearer token with
// GEMINI_API_KEY_AUTH_MECHANISM=bearer): the relay takes the placeholder in
// any of them and forwards none of them. The provider writes the settings
// home that selects the API key once the address is set (src/providers/gemini.ts).
// Typed as an EngineGateway where the ENGINES map holds it: importing the
// type here would make engines.ts and this file a circle.
const truthy = (value: string | undefined) => value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';

export const GEMINI = {
  engine: 'gemini',
  defaultUpstream: 'https://generativelanguage.googleapis.com',
  upstreamVariable: 'GOOGLE_GEMINI_BASE_URL',
  agentPrefix: '',
  errorStyle: 'gemini' as const,
  // GOOGLE_API_KEY is the SDK's other name for the key; custom headers may carry a company gateway's credential.
  secretVariables: ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GEMINI_BASE_URL', 'GEMINI_CLI_CUSTOM_HEADERS'],
  credential(env: NodeJS.ProcessEnv): { headers: Record<string, string>; from: string } | { unsupported: string } | null {
    if (truthy(env.GOOGLE_GENAI_USE_VERTEXAI)) {
      return { unsupported: 'the Gemini CLI on Vertex AI talks to Google Cloud with its own credentials (a service account or application default credentials); the gateway does not carry them yet' };
    }
    const from = env.GEMINI_API_KEY ? 'GEMINI_API_KEY' : env.GOOGLE_API_KEY ? 'GOOGLE_API_KEY' : null;
    return from ? { headers: { 'x-goog-api-key': env[from]! }, from } : null;
  },
  agentEnv: (baseUrl: string, placeholder: string) => ({ GOOGLE_GEMINI_BASE_URL: baseUrl, GEMINI_API_KEY: placeholder }),
};
