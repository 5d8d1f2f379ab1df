// MLX's constants on `mx` (mx.pi, mx.e, mx.inf, mx.nan, mx.euler_gamma) and
// mx.newaxis, which is null here because the index helpers take null for a
// new axis (x.index(mx.newaxis, 0) as MLX's x[mx.newaxis, 0]).

export const pi = Math.PI;
export const e = Math.E;
export const inf = Infinity;
export const nan = NaN;
export const eulerGamma = 0.5772156649015329;
export const newaxis = null;
