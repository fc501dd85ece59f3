export * from './wire.js';
export * from './config.js';
export * from './secret-ref.js';
export * from './errors.js';
export * from './definitions.js';
export * from './selector.js';
