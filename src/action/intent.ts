// The intents runAction acts on: everything but `ignore`.
import type { Intent } from '../core/intent.js';

export type ActiveIntent = Exclude<Intent, { kind: 'ignore' }>;

export type ReviewIntent = Extract<Intent, { kind: 'review' }>;

export type { ChecksIntent } from '../core/intent.js';
