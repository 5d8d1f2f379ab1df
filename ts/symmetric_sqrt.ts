// The square root of a symmetric positive semi-definite matrix, in float64 on
// the host: V diag(sqrt(lambda)) V^T from a cyclic Jacobi eigendecomposition.
// multivariateNormal needs it and the core has no linalg.svd/eigh yet. For
// such a matrix this equals MLX's U diag(sqrt(S)) V^T from the SVD, so the
// same key gives MLX's samples.

/** The n x n row-major symmetric square root of `a` (negative rounding-error eigenvalues count as 0). */
export function symmetricSqrt(a: ArrayLike<number>, n: number): Float64Array {
  const A = Float64Array.from({ length: n * n }, (_, i) => a[i]!);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; ++i) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; ++sweep) {
    let off = 0;
    for (let p = 0; p < n; ++p) for (let q = p + 1; q < n; ++q) off += A[p * n + q]! ** 2;
    if (off === 0 || !Number.isFinite(off)) break;
    for (let p = 0; p < n; ++p) {
      for (let q = p + 1; q < n; ++q) {
        const apq = A[p * n + q]!;
        if (apq === 0) continue;
        // The rotation that zeroes A[p][q] (Golub & Van Loan, Alg. 8.4.2).
        const theta = (A[q * n + q]! - A[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; ++k) {
          const akp = A[k * n + p]!, akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; ++k) {
          const apk = A[p * n + k]!, aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; ++k) {
          const vkp = V[k * n + p]!, vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const root = Float64Array.from({ length: n }, (_, i) => Math.sqrt(Math.max(A[i * n + i]!, 0)));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; ++i)
    for (let j = 0; j < n; ++j) {
      let acc = 0;
      for (let k = 0; k < n; ++k) acc += V[i * n + k]! * root[k]! * V[j * n + k]!;
      out[i * n + j] = acc;
    }
  return out;
}
