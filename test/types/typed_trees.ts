// Type test, never run: `make typecheck` compiles it (test/tsconfig.json
// includes test/types/). Each `same<T>()(value)` fails to compile unless the
// value's type is exactly T, and each `@ts-expect-error` line must be an
// error, so typing that falls back to `any` (where everything compiles)
// fails this file.
import * as mx from "webmx";

type A = mx.Array;
type Params = { w: A; b: A };

/** Exact type equality (any is equal only to any). */
type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
declare function same<T>(): <V>(value: V) => Equal<V, T>;
declare const yes: (check: true) => void;

export function gradients(params: Params, x: A, y: A): void {
  const loss = (p: Params, xs: A) => p.w.mul(xs).add(p.b).sum();

  // One argument: the gradient is shaped like it.
  const g = mx.grad(loss)(params, x);
  yes(same<Params>()(g));
  // @ts-expect-error a misspelt gradient key
  g.wieght;
  // @ts-expect-error the arguments are checked against loss's parameters
  mx.grad(loss)(x, params);

  // Several argnums: a tuple, in increasing argument order (as the runtime sorts them).
  const [gp, gx] = mx.grad(loss, { argnums: [1, 0] })(params, x);
  yes(same<Params>()(gp));
  yes(same<A>()(gx));
  // @ts-expect-error two argnums give a tuple of two, not three
  const [, , extra] = mx.grad(loss, { argnums: [0, 1] })(params, x);
  // A one-element list gives that argument's tree itself.
  yes(same<A>()(mx.grad(loss, { argnums: [1] })(params, x)));
  yes(same<A>()(mx.grad(loss, { argnums: 1 })(params, x)));
  // @ts-expect-error loss has no argument 2
  mx.grad(loss, { argnums: 2 });
  // @ts-expect-error nor -1
  mx.grad(loss, { argnums: [0, -1] });
  // Indices only known at run time: one tree (a single index) or a list of them.
  const some: number[] = [0, 1];
  const sum = (...xs: A[]) => mx.add(xs[0]!, xs[1]!).sum();
  yes(same<A | A[]>()(mx.grad(sum, { argnums: some })(x, y)));

  // valueAndGrad: [fn's value, the gradients]; aux outputs keep their types.
  const [value, vg] = mx.valueAndGrad(loss)(params, x);
  yes(same<A>()(value));
  yes(same<Params>()(vg));
  const withAux = (p: Params) => [p.w.sum(), { note: "aux", n: p.b }] as [A, { note: string; n: A }];
  const [[l, aux], ag] = mx.valueAndGrad(withAux)(params);
  yes(same<A>()(l));
  yes(same<string>()(aux.note));
  yes(same<Params>()(ag));
  // @ts-expect-error a misspelt gradient key (valueAndGrad's half)
  ag.bias;
  const [, [vgp, vgx]] = mx.valueAndGrad(loss, { argnums: [0, 1] })(params, x);
  yes(same<Params>()(vgp));
  yes(same<A>()(vgx));

  // argnames: [positional or null, {name: grad}], names checked against the last argument.
  const named = (xs: A, kw: { scale: A; layers: { w: A }[]; pair: [A, A] }) => xs.mul(kw.scale).sum();
  const kw = { scale: x, layers: [{ w: x }], pair: [x, y] as [A, A] };
  const [none, byName] = mx.grad(named, { argnames: ["layers", "pair"] })(x, kw);
  yes(same<null>()(none));
  yes(same<{ layers: { w: A }[]; pair: [A, A] }>()(byName));
  const [pos, one] = mx.grad(named, { argnums: 0, argnames: "scale" })(x, kw);
  yes(same<A>()(pos));
  yes(same<{ scale: A }>()(one));
  // @ts-expect-error 'scael' is not a property of the last argument
  mx.grad(named, { argnames: "scael" });

  // Transforms compose: a gradient of a gradient, vmap and compile of them.
  const square = (v: A) => v.mul(v).sum();
  yes(same<A>()(mx.grad((v: A) => mx.grad(square)(v).sum())(x)));
  yes(same<Params>()(mx.vmap(mx.grad(loss), { inAxes: [null, 0] })(params, x)));
  const step = mx.compile(mx.valueAndGrad(loss));
  const [cv, cg] = step(params, x);
  yes(same<A>()(cv));
  yes(same<Params>()(cg));
  // @ts-expect-error compile keeps the parameter types
  step(x, x);
  // @ts-expect-error vmap keeps the parameter types
  mx.vmap(loss)(params);

  // The result types can be named.
  yes(same<[Params, A]>()(null! as mx.GradResult<[Params, A], { argnums: [1, 0] }>));
  yes(same<[null, { lr: A }]>()(null! as mx.GradResult<[A, { lr: A }], { argnames: "lr" }>));
}

export function vjpJvp(x: A, y: A): void {
  const two = (a: A, b: A) => [a.mul(b), a.add(b)] as [A, A];
  const [outs, cots] = mx.vjp(two, [x, y], [x, x]);
  yes(same<[A, A]>()(outs));
  yes(same<[A, A]>()(cots));
  const [o1, t1] = mx.jvp((a: A) => a.exp(), [x], [y]);
  yes(same<[A]>()(o1));
  yes(same<[A]>()(t1));
  // @ts-expect-error one tangent per primal
  mx.jvp(two, [x, y], [x]);
  // @ts-expect-error one cotangent per output
  mx.vjp(two, [x, y], [x]);
  // @ts-expect-error the primals must fit the function
  mx.vjp(two, [x], [x, x]);
}

export function trees(params: Params, x: A): void {
  const scaled = mx.tree.map((leaf) => leaf.mul(2), params);
  yes(same<Params>()(scaled));
  const sizes = mx.tree.map((leaf) => leaf.size, { layers: [params, params], bias: x });
  yes(same<{ layers: { w: number; b: number }[]; bias: number }>()(sizes));
  const pair: [Params, A] = [params, x];
  yes(same<[{ w: number; b: number }, number]>()(mx.tree.map((leaf) => leaf.size, pair)));
  const summed = mx.tree.map((a, b) => a.add(b), params, params);
  yes(same<Params>()(summed));
  // @ts-expect-error the leaves of params are arrays
  mx.tree.map((leaf: string) => leaf, params);
  yes(same<A[]>()(mx.tree.leaves(params)));
  yes(same<(A | number | null)[]>()(mx.tree.leaves({ a: x, n: [1, 2], z: null })));
  yes(same<[string, A][]>()(mx.tree.flatten(params)));
  const rebuilt = mx.tree.unflatten(mx.tree.flatten(params));
  yes(same<mx.tree.Tree<A>>()(rebuilt));
  yes(same<{ w: string; b: string }>()(null! as mx.tree.MapLeaves<Params, string>));
}

export function items(x: A): void {
  const l = x.sum();
  yes(same<number>()(l.itemNumber() * 2));
  yes(same<boolean>()(mx.all(x).itemBool()));
  yes(same<bigint>()(mx.array(3n).itemBigInt() + 1n));
  yes(same<number | boolean | bigint | mx.Complex>()(l.item()));
  // @ts-expect-error item() may be a boolean, a bigint or a complex {re, im}: use itemNumber()
  l.item() * 2;
}
