/**
 * Text for the terminal from someone else's hands (element chains visitors' browsers sent, tag
 * names someone typed into GTM): control characters and bidi overrides become `?`, so no escape
 * sequence reaches the terminal and no line reads other than it is.
 */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what is replaced.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '?');
}
