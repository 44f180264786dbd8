/** Text into HTML: every value that came from the store passes through here before it reaches a page. */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and for double- or single-quoted attribute values alike. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** `data-*` attributes from a record, skipping absent values. */
export function dataAttributes(tags: Record<string, string | string[] | null | undefined>): string {
  return Object.entries(tags)
    .filter(([, v]) => v !== undefined && v !== null && (!Array.isArray(v) || v.length > 0))
    .map(([k, v]) => ` data-${k}="${escapeHtml(Array.isArray(v) ? [...new Set(v)].join(' ') : v)}"`)
    .join('');
}

/** A href built from path segments, each percent-encoded (campaign ids and cell keys are the segments). */
export function hrefOf(...segments: string[]): string {
  return '/' + segments.map(encodeURIComponent).join('/');
}
