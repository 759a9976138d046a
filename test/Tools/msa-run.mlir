// msa-run: fuses, lowers and JIT-runs one function on random inputs and
// checks every output against the float64 reference; bad input gets a
// diagnostic and exit status 1, never a crash.

// The two examples, then f16, f32 (unfused chain), tf32 and bf16 training
// inputs with explicit seeds.
// RUN: msa-run %msa_src_root/examples/pair_weighted_average_bf16.mlir | FileCheck --check-prefix=BF16 %s
// RUN: msa-run %msa_src_root/examples/training_step_f32.mlir | FileCheck --check-prefix=TRAIN %s
// RUN: msa-run %S/Inputs/msa-run-f16.mlir --seed=7 | FileCheck --check-prefix=F16 -DSEED=7 %s
// RUN: msa-run %S/Inputs/msa-run-f16.mlir --seed=12345 | FileCheck --check-prefix=F16 -DSEED=12345 %s
// RUN: msa-run %S/Inputs/msa-run-f32.mlir --seed=3 | FileCheck --check-prefix=F32 %s
// RUN: msa-run %S/Inputs/msa-run-f32.mlir --entry=chain_f32 --seed=4 | FileCheck --check-prefix=F32-ENTRY %s
// RUN: msa-run %S/Inputs/msa-run-tf32.mlir --seed=11 | FileCheck --check-prefix=TF32 %s
// RUN: msa-run %S/Inputs/msa-run-bf16-grad.mlir --seed=5 | FileCheck --check-prefix=BF16-GRAD %s

// Bad inputs (`not` fails on a crash, so these also show there is none).
// RUN: split-file %s %t
// RUN: not msa-run %t/dynamic.mlir 2>&1 | FileCheck --check-prefix=DYNAMIC %s
// RUN: not msa-run %t/two-functions.mlir 2>&1 | FileCheck --check-prefix=TWO-PUBLIC %s
// RUN: not msa-run %t/two-functions.mlir --entry=third 2>&1 | FileCheck --check-prefix=NO-ENTRY %s
// RUN: not msa-run %t/two-functions.mlir --entry=helper 2>&1 | FileCheck --check-prefix=PRIVATE-ENTRY %s
// RUN: not msa-run %t/no-fused-op.mlir 2>&1 | FileCheck --check-prefix=NO-FUSED %s
// RUN: not msa-run %t/two-fused-ops.mlir 2>&1 | FileCheck --check-prefix=TWO-FUSED %s
// RUN: not msa-run %t/unfusable-chain.mlir 2>&1 | FileCheck --check-prefix=UNFUSABLE %s
// RUN: not msa-run %t/extra-argument.mlir 2>&1 | FileCheck --check-prefix=EXTRA-ARG %s
// RUN: not msa-run %t/local-operand.mlir 2>&1 | FileCheck --check-prefix=LOCAL %s
// RUN: not msa-run %t/mask-type.mlir 2>&1 | FileCheck --check-prefix=MASK-TYPE %s
// RUN: not msa-run %t/grad-without-lse.mlir 2>&1 | FileCheck --check-prefix=GRAD-LSE %s
// RUN: not msa-run %t/no-public-function.mlir 2>&1 | FileCheck --check-prefix=NO-PUBLIC %s
// RUN: not msa-run %t/unparsable.mlir 2>&1 | FileCheck --check-prefix=UNPARSABLE %s
// RUN: not msa-run %t/invalid.mlir 2>&1 | FileCheck --check-prefix=INVALID %s
// RUN: not msa-run %t/does-not-exist.mlir 2>&1 | FileCheck --check-prefix=MISSING %s
// RUN: not msa-run %t/strided-layout.mlir 2>&1 | FileCheck --check-prefix=STRIDED %s
// RUN: not msa-run %t/permuted-layout.mlir 2>&1 | FileCheck --check-prefix=PERMUTED %s
// RUN: not msa-run %t/shared-argument.mlir 2>&1 | FileCheck --check-prefix=SHARED %s
// RUN: not msa-run %t/shared-argument-grad.mlir 2>&1 | FileCheck --check-prefix=SHARED-GRAD %s
// RUN: not msa-run %t/dbias-type.mlir 2>&1 | FileCheck --check-prefix=DBIAS-TYPE %s
// RUN: not msa-run %t/dbias-type-f32.mlir 2>&1 | FileCheck --check-prefix=DBIAS-TYPE-F32 %s

// A file with two public functions runs the one --entry names.
// RUN: msa-run %t/two-functions.mlir --entry=second --seed=2 | FileCheck --check-prefix=SECOND %s

// BF16:      msa-run: @pair_weighted_average on B=2 S=5 R=33 H=8 C=32 bf16 bias=bf16 pair_mask=yes msa_mask=yes inf=1e+09 seed=1{{$}}
// BF16-NEXT:   CPU path: compile {{[0-9.]+}} ms, run {{[0-9.]+}} ms
// BF16-NEXT:   out    rel err {{[0-9]\.[0-9]+e[-+][0-9]+}} (limit 1e-02) ok
// BF16-NEXT: PASS

// TRAIN:      msa-run: @training_step on B=1 S=3 R=17 H=4 C=16 f32 bias=f32 pair_mask=yes msa_mask=yes inf=1e+09 seed=1 (forward + backward)
// TRAIN-NEXT:   CPU path:
// TRAIN-NEXT:   out    rel err {{[0-9]\.[0-9]+e[-+][0-9]+}} (limit 1e-05) ok
// TRAIN-NEXT:   lse    rel err {{[0-9]\.[0-9]+e[-+][0-9]+}} (limit 1e-05) ok
// TRAIN-NEXT:   dv     rel err {{[0-9]\.[0-9]+e[-+][0-9]+}} (limit 1e-05) ok
// TRAIN-NEXT:   dbias  rel err {{[0-9]\.[0-9]+e[-+][0-9]+}} (limit 1e-05) ok
// TRAIN-NEXT:   dgate  rel err {{[0-9]\.[0-9]+e[-+][0-9]+}} (limit 1e-05) ok
// TRAIN-NEXT: PASS

// F16:      msa-run: @training_step_f16 on B=2 S=3 R=13 H=2 C=8 f16 bias=f32 pair_mask=yes msa_mask=yes inf=1e+06 seed=[[SEED]] (forward + backward)
// F16-NEXT:   CPU path:
// F16-NEXT:   out    rel err {{[0-9]\.[0-9]+e[-+][0-9]+}} (limit 5e-03) ok
// F16-NEXT:   lse    rel err {{[0-9]\.[0-9]+e[-+][0-9]+}} (limit 5e-03) ok
// F16-NEXT:   dv     rel err {{[0-9]\.[0-9]+e[-+][0-9]+}} (limit 5e-03) ok
// F16-NEXT:   dbias  rel err {{[0-9]\.[0-9]+e[-+][0-9]+}} (limit 5e-03) ok
// F16-NEXT:   dgate  rel err {{[0-9]\.[0-9]+e[-+][0-9]+}} (limit 5e-03) ok
// F16-NEXT: PASS

// F32:      msa-run: @chain_f32 on B=1 S=4 R=19 H=3 C=5 f32 bias=f32 pair_mask=yes msa_mask=no inf=1e+08 seed=3{{$}}
// F32-NEXT:   CPU path:
// F32-NEXT:   out    rel err {{[0-9]\.[0-9]+e[-+][0-9]+}} (limit 1e-05) ok
// F32-NEXT: PASS

// F32-ENTRY:      msa-run: @chain_f32 on {{.*}} seed=4{{$}}
// F32-ENTRY:      PASS

// TF32:      msa-run: @forward_tf32 on B=1 S=2 R=9 H=2 C=16 f32 bias=f32 pair_mask=no msa_mask=yes inf=1e+08 seed=11{{$}}
// TF32-NEXT:   CPU path:
// TF32-NEXT:   out    rel err {{[0-9]\.[0-9]+e[-+][0-9]+}} (limit 2e-03) ok
// TF32-NEXT:   lse    rel err {{[0-9]\.[0-9]+e[-+][0-9]+}} (limit 2e-03) ok
// TF32-NEXT: PASS

// BF16-GRAD:      msa-run: @training_step_bf16 on B=1 S=2 R=11 H=4 C=16 bf16 bias=bf16 pair_mask=no msa_mask=no inf=1e+08 seed=5 (forward + backward)
// BF16-GRAD-NEXT:   CPU path:
// BF16-GRAD-NEXT:   out    rel err {{.*}} (limit 1e-02) ok
// BF16-GRAD-NEXT:   lse    rel err {{.*}} (limit 1e-02) ok
// BF16-GRAD-NEXT:   dv     rel err {{.*}} (limit 1e-02) ok
// BF16-GRAD-NEXT:   dbias  rel err {{.*}} (limit 1e-02) ok
// BF16-GRAD-NEXT:   dgate  rel err {{.*}} (limit 1e-02) ok
// BF16-GRAD-NEXT: PASS

// DYNAMIC:     msa-run: error: argument 0 of @dynamic must be a statically shaped memref (msa-run makes inputs of that shape)
// DYNAMIC-NOT: Stack dump
// TWO-PUBLIC:  msa-run: error: more than one public function; choose one with --entry
// NO-ENTRY:    msa-run: error: no public function 'third'
// PRIVATE-ENTRY: msa-run: error: no public function 'helper'
// NO-FUSED:    msa-run: error: @gate_only must hold exactly one msa.pair_weighted_average after fusion, found 0
// TWO-FUSED:   msa-run: error: @twice must hold exactly one msa.pair_weighted_average after fusion, found 2
// UNFUSABLE:   remark: not fused: intermediate 'weights' buffer has another user ('memref.copy')
// UNFUSABLE:   msa-run: error: @unfusable must hold exactly one msa.pair_weighted_average after fusion, found 0
// EXTRA-ARG:   msa-run: error: every argument of @extra must be an operand of the msa ops
// LOCAL:       msa-run: error: operand 'bias' must be a function argument
// MASK-TYPE:   msa-run: error: msa-run makes masks of the data type; 'pair_mask' has another element type
// GRAD-LSE:    msa-run: error: the gradient op must read the forward's 'out' and 'lse' and use its masks and 'inf'
// NO-PUBLIC:   msa-run: error: no public function in the input
// UNPARSABLE:  unparsable.mlir:1:41: error: expected ')'
// UNPARSABLE:  msa-run: error: could not parse '{{.*}}unparsable.mlir'
// INVALID:     invalid.mlir:2:3: error: 'msa.pair_weighted_average' op dimension C of operand 'out' (dim 4) is 16, but operand 'v' has C = 8 (dim 4)
// INVALID:     msa-run: error: could not parse '{{.*}}invalid.mlir'
// MISSING:     msa-run: error: cannot open input file '{{.*}}does-not-exist.mlir': No such file or directory
// STRIDED:     msa-run: error: argument 2 of @strided must have the identity layout (msa-run makes dense row-major buffers)
// PERMUTED:    msa-run: error: argument 1 of @permuted must have the identity layout (msa-run makes dense row-major buffers)
// SHARED:      msa-run: error: argument 0 is both 'v' and 'gate'; msa-run makes one buffer per operand
// SHARED-GRAD: msa-run: error: argument 5 is both 'out' and 'dout'; msa-run makes one buffer per operand
// DBIAS-TYPE:  msa-run: error: msa-run makes 'dbias' of the element type of 'bias'; they differ
// DBIAS-TYPE-F32: msa-run: error: msa-run makes 'dbias' of the element type of 'bias'; they differ

// SECOND:      msa-run: @second on B=1 S=2 R=3 H=4 C=8 f16 bias=f16 pair_mask=no msa_mask=no inf=1e+08 seed=2{{$}}
// SECOND-NEXT:   CPU path:
// SECOND-NEXT:   out    rel err {{[0-9]\.[0-9]+e[-+][0-9]+}} (limit 5e-03) ok
// SECOND-NEXT: PASS

//--- dynamic.mlir
func.func @dynamic(%v: memref<?x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                   %gate: memref<1x2x3x4x8xf32>, %out: memref<?x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%v : memref<?x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<?x2x3x4x8xf32>)
  return
}

//--- two-functions.mlir
func.func @first(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                 %gate: memref<1x2x3x4x8xf32>, %out: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}
func.func @second(%v: memref<1x2x3x4x8xf16>, %bias: memref<1x3x3x4xf16>,
                  %gate: memref<1x2x3x4x8xf16>, %out: memref<1x2x3x4x8xf16>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf16>)
      bias(%bias : memref<1x3x3x4xf16>)
      gate(%gate : memref<1x2x3x4x8xf16>)
      out(%out : memref<1x2x3x4x8xf16>)
  return
}
func.func private @helper(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                          %gate: memref<1x2x3x4x8xf32>, %out: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

//--- no-fused-op.mlir
func.func @gate_only(%o: memref<1x2x3x4x8xf32>, %g: memref<1x2x3x4x8xf32>,
                     %out: memref<1x2x3x4x8xf32>) {
  msa.sigmoid_gate input(%o : memref<1x2x3x4x8xf32>)
      gate(%g : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

//--- two-fused-ops.mlir
func.func @twice(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                 %gate: memref<1x2x3x4x8xf32>, %out: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

//--- unfusable-chain.mlir
func.func @unfusable(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                     %out: memref<1x2x3x4x8xf32>, %saved: memref<1x3x3x4xf32>) {
  %w = memref.alloc() : memref<1x3x3x4xf32>
  msa.masked_softmax bias(%bias : memref<1x3x3x4xf32>)
      weights(%w : memref<1x3x3x4xf32>)
  memref.copy %w, %saved : memref<1x3x3x4xf32> to memref<1x3x3x4xf32>
  %o = memref.alloc() : memref<1x2x3x4x8xf32>
  msa.weighted_sum weights(%w : memref<1x3x3x4xf32>)
      v(%v : memref<1x2x3x4x8xf32>)
      out(%o : memref<1x2x3x4x8xf32>)
  msa.sigmoid_gate input(%o : memref<1x2x3x4x8xf32>)
      gate(%v : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

//--- extra-argument.mlir
func.func @extra(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                 %gate: memref<1x2x3x4x8xf32>, %out: memref<1x2x3x4x8xf32>,
                 %unused: memref<4xf32>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

//--- local-operand.mlir
func.func @local(%v: memref<1x2x3x4x8xf32>, %gate: memref<1x2x3x4x8xf32>,
                 %out: memref<1x2x3x4x8xf32>) {
  %bias = memref.alloc() : memref<1x3x3x4xf32>
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

//--- mask-type.mlir
func.func @mask(%v: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xbf16>,
                %gate: memref<1x2x3x4x8xbf16>, %pm: memref<1x3x3xf32>,
                %out: memref<1x2x3x4x8xbf16>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%gate : memref<1x2x3x4x8xbf16>)
      pair_mask(%pm : memref<1x3x3xf32>)
      out(%out : memref<1x2x3x4x8xbf16>)
  return
}

//--- grad-without-lse.mlir
func.func @grad(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                %gate: memref<1x2x3x4x8xf32>,
                %lse: memref<1x4x3xf32>, %out: memref<1x2x3x4x8xf32>,
                %dout: memref<1x2x3x4x8xf32>, %dv: memref<1x2x3x4x8xf32>,
                %dbias: memref<1x3x3x4xf32>, %dgate: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  msa.pair_weighted_average_grad dout(%dout : memref<1x2x3x4x8xf32>)
      v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dgate : memref<1x2x3x4x8xf32>)
  return
}

//--- no-public-function.mlir
func.func private @hidden(%v: memref<1x2x3x4x8xf32>) {
  return
}

//--- unparsable.mlir
func.func @cut(%v: memref<1x2x3x4x8xf32>
  msa.pair_weighted_average

//--- invalid.mlir
func.func @bad(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>, %out: memref<1x2x3x4x16xf32>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>) bias(%bias : memref<1x3x3x4xf32>) gate(%v : memref<1x2x3x4x8xf32>) out(%out : memref<1x2x3x4x16xf32>)
  return
}

//--- strided-layout.mlir
// The gate is every other S-slice of a larger buffer.
func.func @strided(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                   %gate: memref<1x2x3x4x8xf32, strided<[384, 192, 32, 8, 1]>>,
                   %out: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32, strided<[384, 192, 32, 8, 1]>>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

//--- permuted-layout.mlir
// The bias is stored with its two R dimensions swapped.
func.func @permuted(%v: memref<1x2x3x4x8xf32>,
                    %bias: memref<1x3x3x4xf32, affine_map<(b, i, j, h) -> (b, j, i, h)>>,
                    %gate: memref<1x2x3x4x8xf32>, %out: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32, affine_map<(b, i, j, h) -> (b, j, i, h)>>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

//--- shared-argument.mlir
// Valid IR (inputs may share a buffer), but msa-run makes one per operand.
func.func @shared(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                  %out: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

//--- shared-argument-grad.mlir
// The gradient reads the forward's output as its incoming gradient.
func.func @shared_grad(
    %v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
    %gate: memref<1x2x3x4x8xf32>, %lse: memref<1x4x3xf32>,
    %dv: memref<1x2x3x4x8xf32>, %out: memref<1x2x3x4x8xf32>,
    %dbias: memref<1x3x3x4xf32>, %dgate: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
  msa.pair_weighted_average_grad dout(%out : memref<1x2x3x4x8xf32>)
      v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dgate : memref<1x2x3x4x8xf32>)
  return
}

//--- dbias-type.mlir
// Valid IR (dbias may be the data type or f32), but msa-run makes dbias of
// the bias's type: here an f32 bias with a bf16 dbias.
func.func @dbias_type(
    %v: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xf32>,
    %gate: memref<1x2x3x4x8xbf16>, %out: memref<1x2x3x4x8xbf16>,
    %lse: memref<1x4x3xf32>, %dout: memref<1x2x3x4x8xbf16>,
    %dv: memref<1x2x3x4x8xbf16>, %dbias: memref<1x3x3x4xbf16>,
    %dgate: memref<1x2x3x4x8xbf16>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xbf16>)
      out(%out : memref<1x2x3x4x8xbf16>)
      lse(%lse : memref<1x4x3xf32>)
  msa.pair_weighted_average_grad dout(%dout : memref<1x2x3x4x8xbf16>)
      v(%v : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xbf16>)
      out(%out : memref<1x2x3x4x8xbf16>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xbf16>)
      dbias(%dbias : memref<1x3x3x4xbf16>)
      dgate(%dgate : memref<1x2x3x4x8xbf16>)
  return
}

//--- dbias-type-f32.mlir
// The other way round: a bf16 bias with an f32 dbias.
func.func @dbias_type_f32(
    %v: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xbf16>,
    %gate: memref<1x2x3x4x8xbf16>, %out: memref<1x2x3x4x8xbf16>,
    %lse: memref<1x4x3xf32>, %dout: memref<1x2x3x4x8xbf16>,
    %dv: memref<1x2x3x4x8xbf16>, %dbias: memref<1x3x3x4xf32>,
    %dgate: memref<1x2x3x4x8xbf16>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%gate : memref<1x2x3x4x8xbf16>)
      out(%out : memref<1x2x3x4x8xbf16>)
      lse(%lse : memref<1x4x3xf32>)
  msa.pair_weighted_average_grad dout(%dout : memref<1x2x3x4x8xbf16>)
      v(%v : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%gate : memref<1x2x3x4x8xbf16>)
      out(%out : memref<1x2x3x4x8xbf16>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xbf16>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dgate : memref<1x2x3x4x8xbf16>)
  return
}
