/** A scan that could not run (bad URL, no browser, unreachable site): one line, exit code 2. */
export class ScannerError extends Error {
  override name = 'ScannerError';
}
