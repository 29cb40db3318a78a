/**
 * One colour AND one shape per node, the same in every view (topology, message lanes, ring
 * arcs, charts), so a learner follows "n3" everywhere even without colour vision. The
 * colours (Okabe–Ito plus three) read on both the light and dark themes.
 */
export const NODE_SHAPES = ['circle', 'square', 'triangle', 'diamond', 'pentagon', 'hexagon', 'star', 'plus', 'triangleDown', 'octagon'] as const;
export type NodeShape = (typeof NODE_SHAPES)[number];

const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#8C6D1F', '#7B61FF', '#C7254E', '#4D9221'] as const;

export interface NodeLook {
  readonly colour: string;
  readonly shape: NodeShape;
  /** 0-based position in the palette, also used to order lanes. */
  readonly index: number;
}

/** n1 → 0, n7 → 6; other ids fall back to a stable hash. */
function indexOf(id: string): number {
  const m = /(\d+)$/.exec(id);
  if (m) return (Number(m[1]) - 1 + COLOURS.length) % COLOURS.length;
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % COLOURS.length;
}

export function nodeLook(id: string): NodeLook {
  const index = indexOf(id);
  return { colour: COLOURS[index] as string, shape: NODE_SHAPES[index % NODE_SHAPES.length] as NodeShape, index };
}

function polygon(n: number, r: number, rotate = -Math.PI / 2): [number, number][] {
  return Array.from({ length: n }, (_, i) => {
    const a = rotate + (i * 2 * Math.PI) / n;
    return [r * Math.cos(a), r * Math.sin(a)];
  });
}

/** The shape's outline as points around (0, 0) with radius r; a circle is null. */
export function shapePoints(shape: NodeShape, r: number): [number, number][] | null {
  switch (shape) {
    case 'circle':
      return null;
    case 'square':
      return polygon(4, r * 1.2, -Math.PI / 4);
    case 'triangle':
      return polygon(3, r * 1.3);
    case 'triangleDown':
      return polygon(3, r * 1.3, Math.PI / 2);
    case 'diamond':
      return polygon(4, r * 1.25);
    case 'pentagon':
      return polygon(5, r * 1.15);
    case 'hexagon':
      return polygon(6, r * 1.1);
    case 'octagon':
      return polygon(8, r * 1.05, -Math.PI / 8);
    case 'star':
      return polygon(10, r * 1.3).map(([x, y], i) => (i % 2 ? [x * 0.5, y * 0.5] : [x, y]));
    case 'plus': {
      const a = r * 1.15;
      const b = r * 0.42;
      return [[-b, -a], [b, -a], [b, -b], [a, -b], [a, b], [b, b], [b, a], [-b, a], [-b, b], [-a, b], [-a, -b], [-b, -b]];
    }
    default:
      return unreachableShape(shape);
  }
}

function unreachableShape(x: never): never {
  throw new Error(`unknown node shape ${String(x)}`);
}

/** An SVG path `d` for the shape centred on (0, 0). */
export function shapePath(shape: NodeShape, r: number): string {
  const pts = shapePoints(shape, r);
  if (pts === null) return `M ${-r} 0 A ${r} ${r} 0 1 0 ${r} 0 A ${r} ${r} 0 1 0 ${-r} 0 Z`;
  return pts.map(([x, y], i) => `${i ? 'L' : 'M'} ${x.toFixed(2)} ${y.toFixed(2)}`).join(' ') + ' Z';
}

/** Draws the shape on a canvas (the message lanes) centred on (x, y). */
export function traceShape(ctx: CanvasRenderingContext2D, shape: NodeShape, x: number, y: number, r: number): void {
  ctx.beginPath();
  const pts = shapePoints(shape, r);
  if (pts === null) ctx.arc(x, y, r, 0, 2 * Math.PI);
  else pts.forEach(([px, py], i) => (i ? ctx.lineTo(x + px, y + py) : ctx.moveTo(x + px, y + py)));
  ctx.closePath();
}

/** An ECharts symbol (`path://…`) for the node's shape, for series markers and legends. */
export function echartsSymbol(id: string): string {
  const { shape } = nodeLook(id);
  return shape === 'circle' ? 'circle' : `path://${shapePath(shape, 10)}`;
}
