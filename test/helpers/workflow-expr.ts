// GitHub Actions expressions (`${{ }}` and `if:`), parsed and evaluated as
// the runner does, for the workflow users copy: which contexts an expression
// names, and what it gives for a real event. No actionlint here; this covers
// the operators, functions and contexts samocode's workflow uses.
type Node =
  | { t: 'lit'; v: unknown }
  | { t: 'ref'; path: (string | '*')[] }
  | { t: 'not'; e: Node }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'call'; name: string; args: Node[] };

export const FUNCTIONS = ['contains', 'startsWith', 'endsWith', 'format', 'join', 'toJSON', 'fromJSON', 'hashFiles', 'success', 'always', 'cancelled', 'failure'];

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|'((?:[^']|'')*)'|(&&|\|\||==|!=|<=|>=|[!<>()[\],.*])|([A-Za-z_][\w-]*))/y;

function tokenize(source: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(source);
    if (!m) throw new Error(`cannot read the expression at ${at}: ${source.slice(at, at + 20)}`);
    out.push(m[1] !== undefined ? `#${m[1]}` : m[2] !== undefined ? `'${m[2].replace(/''/g, "'")}` : (m[3] ?? m[4])!);
  }
  return out;
}

export function parse(source: string): Node {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const take = (want?: string) => {
    const t = tokens[i++];
    if (want && t !== want) throw new Error(`expected ${want}, got ${t ?? 'the end'} in ${source}`);
    return t!;
  };
  const binary = (next: () => Node, ops: string[]) => (): Node => {
    let l = next();
    while (ops.includes(peek() ?? '')) l = { t: 'bin', op: take(), l, r: next() };
    return l;
  };
  const primary = (): Node => {
    const t = take();
    if (t === '(') {
      const e = or();
      take(')');
      return e;
    }
    if (t === '!') return { t: 'not', e: primary() };
    if (t.startsWith("'")) return { t: 'lit', v: t.slice(1) };
    if (t.startsWith('#')) return { t: 'lit', v: Number(t.slice(1)) };
    if (t === 'true' || t === 'false' || t === 'null') return { t: 'lit', v: t === 'null' ? null : t === 'true' };
    if (!/^[A-Za-z_]/.test(t)) throw new Error(`unexpected ${t} in ${source}`);
    if (peek() === '(') {
      take('(');
      const args: Node[] = [];
      while (peek() !== ')') {
        args.push(or());
        if (peek() === ',') take(',');
      }
      take(')');
      return { t: 'call', name: t, args };
    }
    const path: (string | '*')[] = [t];
    while (peek() === '.' || peek() === '[') {
      if (take() === '.') path.push(take());
      else {
        const key = take();
        path.push(key.startsWith("'") ? key.slice(1) : key);
        take(']');
      }
    }
    return { t: 'ref', path };
  };
  const compare = binary(primary, ['==', '!=', '<', '>', '<=', '>=']);
  const and = binary(compare, ['&&']);
  const or = binary(and, ['||']);
  const tree = or();
  if (i !== tokens.length) throw new Error(`unexpected ${tokens[i]} in ${source}`);
  return tree;
}

/** Every context and function an expression names. */
export function names(node: Node): { contexts: string[]; functions: string[] } {
  const contexts = new Set<string>();
  const functions = new Set<string>();
  const walk = (n: Node): void => {
    if (n.t === 'ref') contexts.add(String(n.path[0]));
    else if (n.t === 'not') walk(n.e);
    else if (n.t === 'bin') (walk(n.l), walk(n.r));
    else if (n.t === 'call') (functions.add(n.name), n.args.forEach(walk));
  };
  walk(node);
  return { contexts: [...contexts], functions: [...functions] };
}

const truthy = (v: unknown) => !(v === null || v === undefined || v === false || v === 0 || v === '' || Number.isNaN(v));
// GitHub compares strings without regard to case, and coerces other types to numbers.
const loose = (a: unknown, b: unknown) =>
  typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : (a ?? null) === (b ?? null) || (typeof a !== 'object' && typeof b !== 'object' && Number(a) === Number(b));
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

export function evaluate(node: Node, context: Record<string, unknown>): unknown {
  switch (node.t) {
    case 'lit':
      return node.v;
    case 'not':
      return !truthy(evaluate(node.e, context));
    case 'ref': {
      let values: unknown[] = [context];
      let filtered = false;
      for (const key of node.path) {
        if (key === '*') {
          filtered = true;
          values = values.flatMap((v) => (Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : []));
        } else values = values.map((v) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] ?? null : null)).filter((v) => !filtered || v !== null);
      }
      return filtered ? values : values[0] ?? null;
    }
    case 'bin': {
      const l = evaluate(node.l, context);
      if (node.op === '&&') return truthy(l) ? evaluate(node.r, context) : l;
      if (node.op === '||') return truthy(l) ? l : evaluate(node.r, context);
      const r = evaluate(node.r, context);
      if (node.op === '==') return loose(l, r);
      if (node.op === '!=') return !loose(l, r);
      const [a, b] = [Number(l), Number(r)];
      return node.op === '<' ? a < b : node.op === '>' ? a > b : node.op === '<=' ? a <= b : a >= b;
    }
    case 'call': {
      const args = node.args.map((a) => evaluate(a, context));
      switch (node.name) {
        case 'contains':
          return Array.isArray(args[0]) ? args[0].some((v) => loose(v, args[1])) : text(args[0]).toLowerCase().includes(text(args[1]).toLowerCase());
        case 'startsWith':
          return text(args[0]).toLowerCase().startsWith(text(args[1]).toLowerCase());
        case 'endsWith':
          return text(args[0]).toLowerCase().endsWith(text(args[1]).toLowerCase());
        case 'format':
          return text(args[0]).replace(/\{(\d+)\}/g, (_all, n: string) => text(args[Number(n) + 1]));
        default:
          throw new Error(`${node.name}() is not evaluated here`);
      }
    }
  }
}
