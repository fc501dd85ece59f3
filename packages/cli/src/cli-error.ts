/** An expected failure: printed as one line, exit code 1, no stack trace. */
export class CliError extends Error {}
