// The schema library for every record samocode reads: zod's small build
// (`zod/mini`, functions in place of methods), imported as `* as z` from
// here. zod's full build is ten times the bytes and, once loaded, several MiB
// of the terminal loop's memory for the same checks. zod/mini carries no
// messages of its own; the English ones are those the full build gives.
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';
