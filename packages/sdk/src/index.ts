/** npm entry: `import { createPalisade } from '@palisade/sdk'`. */
export { createPalisade, VERSION, type BufferedCall, type PalisadeInstance } from './palisade.js';
export { LOADER_SNIPPET, STUB_METHODS, type StubEntry } from './loader-snippet.js';
export type { Category, ConsentState, PageContext, Palisade, PalisadeOptions, Properties, WireMessage } from './types.js';
export { installGuard, type BlockedRequest, type GuardOptions, type GuardPolicy, type RequestKind } from './guard/guard.js';
