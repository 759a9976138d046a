//===- CApiArgs.h - The C ABI's argument structs in C++ ---------*- C++ -*-===//
//
// The conversions from msa_runtime.h's argument structs to the C++ ones,
// apart from the entry points so that they can be checked without a GPU.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_RUNTIME_LIB_CAPIARGS_H
#define MSA_RUNTIME_LIB_CAPIARGS_H

#include "msa/Runtime/Runtime.h"
#include "msa/Runtime/msa_runtime.h"

namespace msa::runtime {

/// Copies `c` into `args`; fails, naming `function`, on a dtype or precision
/// outside its enum.
Status fromC(const msa_forward_args &c, const char *function,
             ForwardArgs &args);
Status fromC(const msa_backward_args &c, const char *function,
             BackwardArgs &args);

} // namespace msa::runtime

#endif // MSA_RUNTIME_LIB_CAPIARGS_H
