/**
 * Putting capture-derived text into the HTML report safely. Markup gets escapeHtml; data for the
 * page's script goes in a `<script type="application/json">` block through jsonForScript, which
 * escapes every character that could end the script element or open a comment (`<`, `>`, `&`),
 * and U+2028/U+2029: no hostname, path or cookie name can close the tag or inject markup
 * (HTML §4.12.1.3 "Restrictions for contents of script elements").
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
