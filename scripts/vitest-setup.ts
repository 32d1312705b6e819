// Gives every fast-check property in the workspace a fixed seed, so CI runs
// are repeatable and a failure prints a counterexample that replays exactly.
// Set FAST_CHECK_SEED to explore other inputs; FAST_CHECK_NUM_RUNS scales the runs.
import fc from 'fast-check';

const seed = Number(process.env.FAST_CHECK_SEED ?? '20261204');
const numRuns = Number(process.env.FAST_CHECK_NUM_RUNS ?? '200');

fc.configureGlobal({ seed, numRuns, verbose: 1 });
