// A terminal run is one long process that mostly waits for its agent. V8's
// defaults trade memory for speed it has no use for: a young generation that
// grows to 16 MiB, heap limits tuned for throughput, and compilers (Sparkplug,
// TurboFan, and Maglev on node 22+) whose code and work space a run touches
// once its loop is warm; what is left of its own work runs in the interpreter
// at no cost the bench can see. Set here, first thing in dist/cli.js, the
// flags hold however it is started (`node dist/cli.js`, the package's bin,
// npx) and on node 20 and 24, which both know them: V8 reads them at each
// young-generation resize, heap-limit update and compile decision, so setting
// them after start-up takes effect for everything the run does.
import { setFlagsFromString } from 'node:v8';

export const LEAN_HEAP_FLAGS = ['--semi-space-growth-factor=1', '--optimize-for-size', '--no-sparkplug', '--no-turbofan', '--no-maglev'];

for (const flag of LEAN_HEAP_FLAGS) setFlagsFromString(flag);
