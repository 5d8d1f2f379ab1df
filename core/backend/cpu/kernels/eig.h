// Eigenvalues and eigenvectors of a general (non-symmetric) real matrix, in
// double precision: Householder reduction to Hessenberg form, then the
// shifted QR algorithm in complex arithmetic (Wilkinson shifts, Givens
// bulge chasing) to the complex Schur form T = Z^H A Z; eigenvectors by back
// substitution on T, mapped back through Z.
#pragma once
#include <complex>

namespace wmx::lin {

// a: n x n row-major (read only). w: n eigenvalues. v (or null): n x n, the
// eigenvectors as columns, each of unit 2-norm with its largest entry real
// and positive. Returns false if the QR iteration did not converge.
bool eig(const double* a, int n, std::complex<double>* w, std::complex<double>* v);

}  // namespace wmx::lin
