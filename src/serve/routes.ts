/**
 * The run browser's URL space, parsed from the raw request target (never normalised first, so a `..` reaches
 * the file route as `..` and is refused there):
 *   /                                   campaigns
 *   /campaigns/<id>[?model=&binding=&device=]   a campaign's report, filtered
 *   /campaigns/<id>/sections/<environment|runs>[?filter]   a section of the campaign page, as an HTML fragment
 *                                       (the page fetches the sections that grow with its runs)
 *   /campaigns/<id>/runs/<cell key>     one run
 *   /campaigns/<id>/figures/<figure id>.svg[?model=&binding=&device=]   one figure as an SVG file, drawn from
 *                                       the filtered runs (a filtered campaign page fetches its figures so)
 *   /compare?a=<id>&b=<id>              two campaigns side by side
 *   /store/<path>                       a raw file of the store
 */
export interface RouteFilter {
  model?: string;
  binding?: string;
  device?: string;
}

export type Route =
  | { kind: 'home' }
  | { kind: 'campaign'; id: string; filter: RouteFilter }
  | { kind: 'run'; id: string; key: string }
  | { kind: 'section'; id: string; section: string; filter: RouteFilter }
  | { kind: 'figure'; id: string; figure: string; filter: RouteFilter }
  | { kind: 'compare'; a: string | null; b: string | null }
  | { kind: 'file'; segments: string[] }
  | { kind: 'not-found' }
  | { kind: 'bad-request'; reason: string };

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function matchRoute(rawUrl: string): Route {
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
  if (!rawPath.startsWith('/')) return { kind: 'bad-request', reason: 'the request target is not a path' };
  const raw = rawPath.split('/').slice(1);
  if (raw.length > 1 && raw.at(-1) === '') raw.pop();
  if (raw[0] === 'store') return { kind: 'file', segments: raw.slice(1) };
  const parts = raw.map(decode);
  if (parts.some((p) => p === null)) return { kind: 'bad-request', reason: 'malformed percent-encoding in the path' };
  const p = parts as string[];
  const param = (name: string) => query.get(name) || undefined;
  if (p.length === 1 && p[0] === '') return { kind: 'home' };
  if (p[0] === 'compare' && p.length === 1) return { kind: 'compare', a: query.get('a'), b: query.get('b') };
  const filter = { model: param('model'), binding: param('binding'), device: param('device') };
  if (p[0] === 'campaigns' && p.length === 2 && p[1]) return { kind: 'campaign', id: p[1], filter };
  if (p[0] === 'campaigns' && p.length === 4 && p[2] === 'runs' && p[1] && p[3]) return { kind: 'run', id: p[1], key: p[3] };
  if (p[0] === 'campaigns' && p.length === 4 && p[2] === 'sections' && p[1] && p[3]) return { kind: 'section', id: p[1], section: p[3], filter };
  if (p[0] === 'campaigns' && p.length === 4 && p[2] === 'figures' && p[1] && p[3]?.endsWith('.svg')) return { kind: 'figure', id: p[1], figure: p[3].slice(0, -4), filter };
  return { kind: 'not-found' };
}
