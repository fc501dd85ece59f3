export { runStart, DEMO_CONFIG } from './commands/start.js';
export { runRelay } from './commands/relay.js';
export { checkConfig, schemaText } from './commands/config.js';
