/*===- msa_runtime.h - C ABI of the msa runtime --------------------*- C -*-===
 *
 * A stable C interface over msa::runtime for callers that are not C++
 * (Python through ctypes, other languages). Every call returns 0 on success
 * or -1 on failure, with the message copied into `error` (truncated to
 * `error_size` bytes, always NUL-terminated when error_size > 0).
 *
 *===----------------------------------------------------------------------===*/

#ifndef MSA_RUNTIME_MSA_RUNTIME_H
#define MSA_RUNTIME_MSA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct msa_runtime msa_runtime;

enum msa_dtype { MSA_DTYPE_BF16 = 0, MSA_DTYPE_F16 = 1, MSA_DTYPE_F32 = 2 };
enum msa_precision { MSA_PRECISION_IEEE = 0, MSA_PRECISION_TF32 = 1 };

/* Forward arguments; see msa::runtime::ForwardArgs. Strides are in elements;
 * all-zero stride arrays mean the dense row-major layout. Optional pointers
 * (pair_mask, msa_mask, lse) may be NULL. */
typedef struct msa_forward_args {
  int64_t B, S, R, H, C;
  int32_t dtype; /* enum msa_dtype */
  const void *v, *bias, *gate, *pair_mask, *msa_mask;
  void *out;
  float *lse;
  int64_t v_strides[5], gate_strides[5], out_strides[5];
  int64_t bias_strides[4];
  int64_t pair_mask_strides[3], msa_mask_strides[3];
  double inf;
  int32_t precision; /* enum msa_precision */
} msa_forward_args;

/* Backward arguments; see msa::runtime::BackwardArgs. Same conventions as
 * msa_forward_args: strides in elements, all-zero stride arrays for the
 * dense row-major layout. `out` is the forward's result for the same
 * inputs. Optional pointers (lse, pair_mask, msa_mask) may be NULL; lse is
 * accepted for symmetry with the forward but never read (the softmax
 * statistics are recomputed). */
typedef struct msa_backward_args {
  int64_t B, S, R, H, C;
  int32_t dtype;     /* enum msa_dtype */
  int32_t precision; /* enum msa_precision */
  const void *dout, *v, *bias, *gate, *out;
  const float *lse;
  const void *pair_mask, *msa_mask;
  void *dv, *dbias, *dgate;
  int64_t dout_strides[5], v_strides[5], gate_strides[5], out_strides[5];
  int64_t dv_strides[5], dgate_strides[5];
  int64_t bias_strides[4], dbias_strides[4];
  int64_t pair_mask_strides[3], msa_mask_strides[3];
  double inf;
} msa_backward_args;

/* Creates a runtime bound to the calling thread's current CUDA context (or
 * the primary context of `device`), loading kernels from `kernel_dir`. */
int msa_runtime_create(const char *kernel_dir, int device,
                       msa_runtime **runtime, char *error, size_t error_size);

/* Releases the runtime and its modules. NULL is ignored. */
void msa_runtime_destroy(msa_runtime *runtime);

/* Launches the forward on `stream` (a CUstream; NULL for the legacy default
 * stream). Nothing is launched when an argument is invalid. */
int msa_forward(msa_runtime *runtime, const msa_forward_args *args,
                void *stream, char *error, size_t error_size);

/* Launches the backward on `stream`: writes dv, dbias and dgate from dout.
 * Nothing is launched when an argument is invalid. */
int msa_backward(msa_runtime *runtime, const msa_backward_args *args,
                 void *stream, char *error, size_t error_size);

#ifdef __cplusplus
}
#endif

#endif /* MSA_RUNTIME_MSA_RUNTIME_H */
