//===- Validate.h - Argument checks of the runtime calls --------*- C++ -*-===//
//
// The checks forward() and backward() make before anything touches a GPU,
// built from one set of tensor rules (strides, extents, alignment, aliasing)
// so that both calls refuse the same mistakes with the same messages, and
// the layouts (strides in elements, dense ones filled in) the launches take.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_RUNTIME_LIB_VALIDATE_H
#define MSA_RUNTIME_LIB_VALIDATE_H

#include "msa/Runtime/Runtime.h"

#include <array>
#include <cstdint>
#include <vector>

namespace msa::runtime {

/// R rounded up to 8: the row pitch of the probabilities scratch.
inline int64_t paddedRows(int64_t R) { return (R + 7) / 8 * 8; }

/// The checked layout of one forward call.
struct ForwardLayout {
  std::array<int64_t, 5> v, gate, out;
  std::array<int64_t, 4> bias;
  std::array<int64_t, 3> pairMask, msaMask;
};

Status validateForward(const ForwardArgs &args, ForwardLayout &layout);

/// The checked layout of one backward call, with the byte sizes of the
/// scratch buffers its kernels share (probabilities, dO' = dout*sigmoid(gate)
/// and the row sums D).
struct BackwardLayout {
  std::array<int64_t, 5> dout, v, gate, out, dv, dgate;
  std::array<int64_t, 4> bias, dbias;
  std::array<int64_t, 3> pairMask, msaMask;
  size_t probsBytes = 0, dopBytes = 0, deltaBytes = 0;
};

Status validateBackward(const BackwardArgs &args, BackwardLayout &layout);

/// One rectangle of a memset: `height` rows of `width` bytes, `pitch` bytes
/// apart, from `offset` bytes past the tensor's address.
struct MemsetRect {
  uint64_t offset = 0;
  size_t width = 0, height = 0, pitch = 0;
};

/// The fewest rectangles that cover exactly the elements of a strided tensor
/// (sizes > 0, strides >= 0, no element reached twice), so that it can be
/// zeroed without touching the gaps between its elements: dimensions are
/// ordered by stride and merged where one steps exactly over the next; the
/// innermost one or two make the rectangle, the rest are enumerated.
std::vector<MemsetRect> memsetRects(const std::vector<int64_t> &shape,
                                    const std::vector<int64_t> &strides,
                                    size_t elementBytes);

} // namespace msa::runtime

#endif // MSA_RUNTIME_LIB_VALIDATE_H
