/**
 * `@makemac/core`: the pure part of makemac. It decodes the configuration,
 * declares the ports to MacService and Swarming, and computes a plan from a
 * snapshot of both. Nothing here reads a clock, the network, the environment,
 * the file system or the console; `test/purity.test.ts` enforces that.
 */
export * from './domain.js';
export * from './errors.js';
export * from './ports.js';
export * from './config-types.js';
export * from './plan-types.js';
export * from './duration.js';
export * from './config.js';
export * from './bot-id.js';
export * from './plan.js';
