import { maskField } from "./mask";

/**
 * The demo's layout: a numbered heading per hop, the request line, then the fields as an aligned
 * table. Every field value goes through maskField, so a new field cannot be printed unmasked by accident.
 */

const INDENT = "   ";

export function heading(step: number, title: string): string {
  return `\n${step}. ${title}`;
}

export function line(text: string): string {
  return `${INDENT}${text}`;
}

/** `name  value` rows, names padded to one column, values masked by their field name. */
export function fields(entries: Iterable<[string, unknown]>): string[] {
  const rows = [...entries].map(([name, value]) => [name, maskField(name, String(value))] as const);
  const width = Math.max(0, ...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${INDENT}  ${name.padEnd(width)}  ${value}`);
}

/** The query of `url` as field rows, in the order they appear. */
export function queryFields(url: URL): string[] {
  return fields(url.searchParams.entries());
}

/** `url` without its query: where a request goes, shown above its fields. */
export function withoutQuery(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
