// A user's program, compiled by test/types/check_dist_types.sh against the
// shipped declarations (dist/types) in a project of its own: no skipLibCheck,
// and libs that may predate Symbol.dispose (ES2022 + DOM).
import * as mx from "webmx";

await mx.init({ threads: false });
const params = { w: mx.array([1, 2]), b: mx.array(0.5) };
const loss = (p: typeof params, x: mx.Array) => p.w.mul(x).sum().add(p.b);
const g = mx.grad(loss)(params, mx.array([3, 4]));
const gw: mx.Array = g.w;
// @ts-expect-error the gradient is typed like params, so a misspelt key is an error
g.wieght;
const total: number = loss(params, mx.array([1, 1])).itemNumber() * 2;
params.w[Symbol.dispose]();
console.log(gw.tolist(), total);
