// Types only: trees at the type level, so that the transforms and
// mx.tree.* keep their argument and return types (the gradient of a function
// of `{w: Array, b: Array}` is a `{w: Array, b: Array}`). The runtime rule
// (tree_walk.ts) is: JS arrays and plain objects are containers, everything
// else is a leaf. Types can't tell a plain object from a class instance, so
// the classes a tree holds as leaves are listed in TreeLeaf.

import type { MxArray } from "./array.js";
import type { Dtype } from "./dtype.js";
import type { treeChildren } from "./tree_walk.js";

/**
 * A class that is a tree node by its own say (tree_walk.ts's treeChildren,
 * e.g. nn.Module): its children are known at run time only, so a tree mapped
 * from it is typed as nested records of the new leaves.
 */
type ClassNode = { [treeChildren](): string[] };
/** What mapping a ClassNode's leaves gives: records (and lists) of `To`. */
export interface NestedRecord<To> {
  [key: string]: To | NestedRecord<To> | (To | NestedRecord<To>)[];
}

/** Values that are leaves of a tree whatever their type's shape. */
export type TreeLeaf =
  | MxArray
  | Dtype
  | string
  | number
  | boolean
  | bigint
  | symbol
  | null
  | undefined
  | ((...args: never[]) => unknown)
  | ArrayBufferLike
  | ArrayBufferView
  | Date
  | RegExp
  | Map<unknown, unknown>
  | Set<unknown>
  | Promise<unknown>;

/** True for `any` (which would otherwise spread through every branch below). */
type IsAny<T> = 0 extends 1 & T ? true : false;

/**
 * `T` with every leaf replaced by `To`: containers keep their shape (tuples
 * stay tuples, objects keep their keys), as mx.tree.map's result does.
 */
export type MapLeaves<T, To> =
  IsAny<T> extends true ? any
  : unknown extends T ? unknown
  : T extends TreeLeaf ? To
  : T extends ClassNode ? NestedRecord<To>
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: MapLeaves<T[K], To> }
  : T extends object ? { -readonly [K in keyof T]: MapLeaves<T[K], To> }
  : To;

/** The union of the leaf types of `T` (what mx.tree.leaves returns elements of). */
export type LeafOf<T> =
  IsAny<T> extends true ? any
  : unknown extends T ? unknown
  : T extends TreeLeaf ? T
  : T extends ClassNode ? MxArray
  : T extends readonly (infer E)[] ? LeafOf<E>
  : T extends object ? LeafOf<T[keyof T]>
  : T;

/**
 * A tree shaped like `T` with an mx.Array at every leaf: the gradients,
 * tangents or cotangents of an argument of type `T`.
 */
export type ArrayTree<T> = MapLeaves<T, MxArray>;

/**
 * The outputs of a function returning `R`, as vjp and jvp list them: an
 * array is a list of one, a tuple stays that tuple (mutable).
 */
export type OutputList<R> =
  IsAny<R> extends true ? MxArray[]
  : R extends MxArray ? [MxArray]
  : R extends readonly unknown[] ? { -readonly [K in keyof R]: MxArray }
  : MxArray[];

// ---- grad / valueAndGrad ----

/** Argument indices 0..63 (type-level sorting of argnums stays within these). */
type SmallIndex = Enumerate<64>;
type Enumerate<N extends number, Acc extends number[] = []> =
  Acc["length"] extends N ? Acc[number] : Enumerate<N, [...Acc, Acc["length"]]>;
type Tuple<N extends number, Acc extends 0[] = []> = Acc["length"] extends N ? Acc : Tuple<N, [...Acc, 0]>;
type Less<A extends SmallIndex, B extends SmallIndex> = Tuple<B> extends [...Tuple<A>, 0, ...0[]] ? true : false;
type Insert<X extends SmallIndex, S extends SmallIndex[]> =
  S extends [infer H extends SmallIndex, ...infer R extends SmallIndex[]]
    ? Less<H, X> extends true ? [H, ...Insert<X, R>] : [X, ...S]
    : [X];
type Sorted<T extends readonly SmallIndex[], Acc extends SmallIndex[] = []> =
  T extends readonly [infer H extends SmallIndex, ...infer R extends readonly SmallIndex[]] ? Sorted<R, Insert<H, Acc>> : Acc;

/**
 * The indices a function's parameter list accepts: `0 | 1` for `(a, b?)`,
 * any number for one with a rest parameter.
 */
export type ArgIndex<P extends readonly unknown[]> =
  number extends Required<P>["length"] ? number : Exclude<Partial<Required<P>>["length"], Required<P>["length"]> & number;

/** The last parameter, whose properties argnames name. */
type LastArg<P extends readonly unknown[]> = P extends readonly [...unknown[], infer L] ? L : P[number];
type ArgName<P extends readonly unknown[]> = IsAny<LastArg<P>> extends true ? string : keyof NonNullable<LastArg<P>> & string;

/**
 * GradOptions checked against the differentiated function's parameters
 * `P`: argnums must be indices of P, argnames properties of its last one.
 */
export interface GradOptionsFor<P extends readonly unknown[]> {
  argnums?: ArgIndex<P> | readonly ArgIndex<P>[];
  argnames?: ArgName<P> | readonly ArgName<P>[];
}

type Grad1<P extends readonly unknown[], I> = I extends number ? ArrayTree<P[I]> : never;

/** Gradients of the argnums `A` (sorted as the runtime sorts them; one index: that tree alone). */
type PositionalGrads<P extends readonly unknown[], A> =
  A extends number ? Grad1<P, A>
  : A extends readonly unknown[]
    ? number extends A["length"] ? Grad1<P, A[number]> | Grad1<P, A[number]>[]
    : A extends readonly [] ? never
    : A extends readonly [infer I] ? Grad1<P, I>
    : A extends readonly SmallIndex[] ? GradList<P, Sorted<A>>
    : GradList<P, A>
  : never;
type GradList<P extends readonly unknown[], Idx extends readonly unknown[]> = { -readonly [K in keyof Idx]: Grad1<P, Idx[K]> };

type NamedGrads<P extends readonly unknown[], N> =
  N extends readonly unknown[] ? { [K in N[number] & string]: ArrayTree<NonNullable<LastArg<P>>[K & keyof NonNullable<LastArg<P>>]> }
  : N extends string ? { [K in N]: ArrayTree<NonNullable<LastArg<P>>[K & keyof NonNullable<LastArg<P>>]> }
  : never;

/** The option K of O, never when absent. */
type Opt<O, K extends string> = K extends keyof O ? Exclude<O[K], undefined> : never;

/**
 * What grad(fn, opts) returns for fn's parameters `P`: one argnum -> that
 * argument's gradient tree; several -> a list of them, in increasing order;
 * with argnames -> `[positional (null without argnums), {name: grad}]`.
 */
export type GradResult<P extends readonly unknown[], O> =
  [Opt<O, "argnames">] extends [never]
    ? [Opt<O, "argnums">] extends [never] ? ArrayTree<P[0]> : PositionalGrads<P, Opt<O, "argnums">>
    : [
        [Opt<O, "argnums">] extends [never] ? null : PositionalGrads<P, Opt<O, "argnums">>,
        NamedGrads<P, Opt<O, "argnames">>,
      ];
