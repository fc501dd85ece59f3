export { startSandbox, buildSandbox, type Sandbox, type SandboxOptions } from './sandbox.js';
export { validateGa4, type ValidationMessage } from './ga4-validate.js';
export { checkSignature } from './signature.js';
export type { Received, SentMessage } from './recorder.js';
export type { Fault } from './faults.js';
