#include "linalg_ops.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "shape_ops.h"

namespace wmx {

array addmm(const array& c, const array& a, const array& b, double alpha, double beta) {
  if (a.ndim() == 0 || b.ndim() == 0) fail("addmm", "Got 0 dimension input. Inputs must have at least one dimension.");
  Dtype t = promote_types(promote_types(a.dtype(), b.dtype()), c.dtype());
  if (!is_floating(t))
    fail("addmm", "Only real floating point types are supported but ", name_of(a.dtype()), ", ",
         name_of(b.dtype()), " and ", name_of(c.dtype()), " were provided.");
  array a1 = a.ndim() == 1 ? reshape(a, {1, a.shape()[0]}) : a;
  array b1 = b.ndim() == 1 ? reshape(b, {b.shape()[0], 1}) : b;
  if (a1.shape(-1) != b1.shape(-2))
    fail("addmm", "Last dimension of first input with shape ", shape_str(a.shape()),
         " must match second to last dimension of second input with shape ", shape_str(b.shape()), ".");
  array p = matmul(astype(a, t), astype(b, t));
  // The product's shape must be what c broadcasts to, as in MLX.
  Shape out = broadcast_shapes(c.shape(), p.shape(), "addmm");
  if (out != p.shape())
    fail("addmm", "Input c with shape ", shape_str(c.shape()), " cannot be broadcast to the product's shape ",
         shape_str(p.shape()), ".");
  array cc = astype(c, t);
  if (alpha != 1.0) p = multiply(array::scalar(alpha, t), p);
  if (beta == 0.0) return p;
  if (beta != 1.0) cc = multiply(array::scalar(beta, t), cc);
  return add(p, cc);
}

array outer(const array& a, const array& b) {
  return multiply(expand_dims(flatten(a), {1}), expand_dims(flatten(b), {0}));
}

array inner(const array& a, const array& b) {
  if (a.ndim() == 0 || b.ndim() == 0) return multiply(a, b);
  if (a.shape(-1) != b.shape(-1))
    fail("inner", "a.shape[-1] (", a.shape(-1), ") must match b.shape[-1] (", b.shape(-1), ").");
  return tensordot(a, b, {-1}, {-1});
}

array tensordot(const array& a, const array& b, int axes) {
  if (axes < 0) fail("tensordot", "axes must be non-negative, got ", axes, ".");
  if (axes > a.ndim() || axes > b.ndim())
    fail("tensordot", "axes (", axes, ") is larger than the rank of an input (", a.ndim(), ", ", b.ndim(), ").");
  std::vector<int> xa, xb;
  for (int i = 0; i < axes; ++i) {
    xa.push_back(a.ndim() - axes + i);
    xb.push_back(i);
  }
  return tensordot(a, b, xa, xb);
}

array tensordot(const array& a, const array& b, const std::vector<int>& axes_a, const std::vector<int>& axes_b) {
  const char* op = "tensordot";
  if (axes_a.size() != axes_b.size())
    fail(op, "Both axes lists must have the same length, got ", axes_a.size(), " and ", axes_b.size(), ".");
  std::vector<bool> ca(a.ndim(), false), cb(b.ndim(), false);
  std::vector<int> xa, xb;
  for (size_t i = 0; i < axes_a.size(); ++i) {
    int ia = normalize_axis(axes_a[i], a.ndim(), op), ib = normalize_axis(axes_b[i], b.ndim(), op);
    if (ca[ia] || cb[ib]) fail(op, "Repeated axis in the axes lists.");
    if (a.shape(ia) != b.shape(ib))
      fail(op, "Dimension ", ia, " of a (", a.shape(ia), ") does not match dimension ", ib, " of b (", b.shape(ib), ").");
    ca[ia] = cb[ib] = true;
    xa.push_back(ia);
    xb.push_back(ib);
  }
  Dtype t = promote_types(a.dtype(), b.dtype());
  std::vector<int> pa, pb;
  Shape out;
  int64_t M = 1, N = 1, K = 1;
  for (int d = 0; d < a.ndim(); ++d)
    if (!ca[d]) {
      pa.push_back(d);
      out.push_back(a.shape(d));
      M *= a.shape(d);
    }
  for (int d : xa) {
    pa.push_back(d);
    K *= a.shape(d);
  }
  for (int d : xb) pb.push_back(d);
  for (int d = 0; d < b.ndim(); ++d)
    if (!cb[d]) {
      pb.push_back(d);
      out.push_back(b.shape(d));
      N *= b.shape(d);
    }
  if (!is_inexact(t)) {
    // Integer contraction (matmul is floating only): broadcast multiply and sum.
    array at = reshape(transpose(a, pa), {M, K, 1});
    array bt = reshape(transpose(b, pb), {1, K, N});
    return reshape(sum(multiply(at, bt), {1}), out);
  }
  array at = reshape(transpose(astype(a, t), pa), {M, K});
  array bt = reshape(transpose(astype(b, t), pb), {K, N});
  return reshape(matmul(at, bt), out);
}

// ---- einsum ----

namespace {

struct Term {
  array x;
  std::string labels;  // one char per axis, unique
};

bool is_label(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Takes the diagonal of every label repeated within one operand.
Term take_diagonals(array x, std::string labels) {
  for (;;) {
    int p = -1, q = -1;
    for (int i = 0; i < int(labels.size()) && p < 0; ++i)
      for (int j = i + 1; j < int(labels.size()); ++j)
        if (labels[i] == labels[j]) {
          p = i;
          q = j;
          break;
        }
    if (p < 0) return {x, labels};
    const int n = x.ndim();
    // mask[.., i at p, .., j at q, ..] = (i == j); multiply and sum over q.
    Shape ms(n, 1);
    ms[p] = x.shape(p);
    ms[q] = x.shape(q);
    array e = reshape(astype(eye(int(x.shape(p)), int(x.shape(q)), 0, Dtype::float32), x.dtype()), ms);
    x = sum(multiply(x, e), {q});
    labels.erase(labels.begin() + q);
  }
}

// Sums out the labels of t that are in neither `keep`.
Term sum_unused(Term t, const std::string& keep) {
  std::vector<int> axes;
  std::string rest;
  for (int i = 0; i < int(t.labels.size()); ++i) {
    if (keep.find(t.labels[i]) == std::string::npos)
      axes.push_back(i);
    else
      rest += t.labels[i];
  }
  if (axes.empty()) return t;
  return {sum(t.x, axes), rest};
}

// Contracts two terms; labels in `keep` survive (as batch or free labels).
Term contract(const Term& A, const Term& B, const std::string& keep) {
  std::string batch, fa, fb, con;
  for (char c : A.labels) {
    bool inb = B.labels.find(c) != std::string::npos;
    if (inb) (keep.find(c) != std::string::npos ? batch : con) += c;
    else fa += c;
  }
  for (char c : B.labels)
    if (A.labels.find(c) == std::string::npos) fb += c;
  auto perm = [](const Term& t, const std::string& order) {
    std::vector<int> p;
    for (char c : order) p.push_back(int(t.labels.find(c)));
    return p;
  };
  auto dims = [](const Term& t, const std::string& ls) {
    int64_t n = 1;
    for (char c : ls) n *= t.x.shape(int(t.labels.find(c)));
    return n;
  };
  Shape out;
  for (char c : batch) out.push_back(A.x.shape(int(A.labels.find(c))));
  for (char c : fa) out.push_back(A.x.shape(int(A.labels.find(c))));
  for (char c : fb) out.push_back(B.x.shape(int(B.labels.find(c))));
  const int64_t nb = dims(A, batch), M = dims(A, fa), K = dims(A, con), N = dims(B, fb);
  array a = reshape(transpose(A.x, perm(A, batch + fa + con)), {nb, M, K});
  array b = reshape(transpose(B.x, perm(B, batch + con + fb)), {nb, K, N});
  array r;
  if (is_inexact(promote_types(a.dtype(), b.dtype())))
    r = matmul(a, b);
  else
    r = sum(multiply(reshape(a, {nb, M, K, 1}), reshape(b, {nb, 1, K, N})), {2});
  return {reshape(r, out), batch + fa + fb};
}

}  // namespace

array einsum(const std::string& subscripts, const std::vector<array>& operands_in) {
  const char* op = "einsum";
  std::string s;
  for (char c : subscripts)
    if (c != ' ') s += c;
  std::string lhs = s, out;
  bool explicit_out = false;
  if (auto arrow = s.find("->"); arrow != std::string::npos) {
    lhs = s.substr(0, arrow);
    out = s.substr(arrow + 2);
    explicit_out = true;
  }
  std::vector<std::string> ins;
  {
    size_t start = 0;
    for (;;) {
      size_t comma = lhs.find(',', start);
      ins.push_back(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (ins.size() != operands_in.size())
    fail(op, "Number of operands (", operands_in.size(), ") does not match the subscripts (", ins.size(), ").");
  if (operands_in.empty()) fail(op, "At least one operand is required.");
  std::vector<array> operands = operands_in;
  // Ellipses: each stands for an operand's leading unnamed axes; they broadcast
  // (right-aligned) across operands and get placeholder labels (not letters).
  auto check_chars = [&](const std::string& l, const char* where) {
    size_t e = l.find("...");
    if (e != std::string::npos && l.find('.', e + 3) != std::string::npos)
      fail(op, "At most one ellipsis is allowed per operand, in \"", l, "\".");
    for (size_t i = 0; i < l.size(); ++i) {
      if (e != std::string::npos && i >= e && i < e + 3) continue;
      if (!is_label(l[i])) fail(op, "Invalid character '", l[i], "' in the ", where, " subscripts \"", l, "\".");
    }
    return e;
  };
  int E = 0;
  std::vector<int> ell(ins.size(), 0);
  for (size_t i = 0; i < ins.size(); ++i) {
    size_t e = check_chars(ins[i], "input");
    int named = int(ins[i].size()) - (e == std::string::npos ? 0 : 3);
    if (e == std::string::npos ? named != operands[i].ndim() : named > operands[i].ndim())
      fail(op, "Operand ", i, " has ", operands[i].ndim(), " dimensions but its subscripts \"", ins[i], "\" name ",
           named, ".");
    if (e != std::string::npos) ell[i] = operands[i].ndim() - named;
    E = std::max(E, ell[i]);
  }
  std::string ph;
  for (int k = 0; k < E; ++k) ph += char(1 + k);  // placeholder labels
  if (E > 0) {
    Shape bshape(E, 1);
    for (size_t i = 0; i < ins.size(); ++i) {
      size_t e = ins[i].find("...");
      if (e == std::string::npos) continue;
      for (int k = 0; k < ell[i]; ++k) {
        int64_t d = operands[i].shape(int(e) + k), &b = bshape[E - ell[i] + k];
        if (d != 1 && b != 1 && d != b) fail(op, "Ellipsis dimensions of the operands cannot be broadcast together.");
        if (d != 1) b = d;
      }
    }
    for (size_t i = 0; i < ins.size(); ++i) {
      size_t e = ins[i].find("...");
      if (e == std::string::npos) continue;
      Shape target = operands[i].shape();
      for (int k = 0; k < ell[i]; ++k) target[e + k] = bshape[E - ell[i] + k];
      operands[i] = broadcast_to(operands[i], target, op);
      ins[i] = ins[i].substr(0, e) + ph.substr(E - ell[i]) + ins[i].substr(e + 3);
    }
  }
  std::map<char, int64_t> size;
  std::map<char, int> count;
  for (size_t i = 0; i < ins.size(); ++i) {
    const std::string& l = ins[i];
    for (int d = 0; d < int(l.size()); ++d) {
      char c = l[d];
      auto [it, fresh] = size.emplace(c, operands[i].shape(d));
      if (!fresh && it->second != operands[i].shape(d))
        fail(op, "Size of label '", c, "' does not match: ", it->second, " vs ", operands[i].shape(d), ".");
      count[c]++;
    }
  }
  if (explicit_out) {
    size_t e = check_chars(out, "output");
    if (e != std::string::npos) out = out.substr(0, e) + ph + out.substr(e + 3);
    else if (E > 0)
      fail(op, "Output has more dimensions than subscripts given, but no '...' ellipsis provided to broadcast the "
               "extra dimensions.");
    for (size_t i = 0; i < out.size(); ++i) {
      char c = out[i];
      if (!size.count(c)) fail(op, "Output label '", c, "' does not appear in any input.");
      if (out.find(c) != i) fail(op, "Output label '", c, "' is repeated.");
    }
  } else {
    out = ph;  // numpy: the broadcast dims first, then the labels used once, sorted
    for (auto& [c, n] : count)
      if (n == 1 && is_label(c)) out += c;
  }
  std::vector<Term> terms;
  for (size_t i = 0; i < ins.size(); ++i) terms.push_back(take_diagonals(operands[i], ins[i]));
  // Labels still needed after position i: the output and the later operands.
  auto needed_after = [&](size_t i) {
    std::string k = out;
    for (size_t j = i + 1; j < terms.size(); ++j) k += terms[j].labels;
    return k;
  };
  Term acc = sum_unused(terms[0], needed_after(0));
  for (size_t i = 1; i < terms.size(); ++i) {
    std::string keep = needed_after(i);
    Term t = sum_unused(terms[i], keep + acc.labels);
    acc = sum_unused(acc, keep + t.labels);
    acc = contract(acc, t, keep);
  }
  acc = sum_unused(acc, out);
  std::vector<int> perm;
  for (char c : out) perm.push_back(int(acc.labels.find(c)));
  return transpose(acc.x, perm);
}

}  // namespace wmx
