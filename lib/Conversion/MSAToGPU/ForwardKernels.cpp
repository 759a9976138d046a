//===- ForwardKernels.cpp - GPU kernels of the msa ops ----------*- C++ -*-===//
//
// Builds the forward (`probs`, `fwd`) and backward (`probs`, `bwd_prep`,
// `bwd_dv`, `bwd_dbias`) kernels described in ForwardKernels.h with gpu,
// nvgpu (cp.async, ldmatrix), nvvm (mma.sync) and scf/arith/memref/vector
// ops.
// Pointers arrive as 1-element memrefs (bare-pointer ABI) and are
// reinterpreted as flat buffers indexed with 64-bit element offsets computed
// from runtime sizes and strides.
//
//===----------------------------------------------------------------------===//

#include "msa/Conversion/MSAToGPU/ForwardKernels.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "msa/Conversion/LoopBuilder.h"
#include "msa/Dialect/MSA/IR/MSAOps.h"

using namespace mlir;
using namespace mlir::msa;

namespace {

// GEMM CTA tile (i x (s, c) x j) and its 8 warps, kWarpsM x kWarpsN.
constexpr int64_t kBM = 128, kBN = 128, kBK = 32;
constexpr int64_t kGemmThreads = 256, kWarpsM = 4, kWarpsN = 2;
constexpr int64_t kWarpTileM = kBM / kWarpsM, kWarpTileN = kBN / kWarpsN;
static_assert(kWarpsM * kWarpsN * 32 == kGemmThreads, "one warp per tile");
static_assert(kWarpTileM % 16 == 0 && kWarpTileN % 16 == 0, "mma tiles");

/// Shared-memory layout of the GEMM for one variant: row padding that keeps
/// the fragment loads free of bank conflicts, the cp.async pipeline depth
/// (the stages live in dynamic shared memory, sized for 16 warps per SM),
/// and how many heads one CTA computes.
struct GemmLayout {
  int64_t elementBytes, chunk; // chunk: elements per 16-byte copy
  int64_t bk;                  // K (j) extent of a pipeline stage
  int64_t padA, padB, padC, stages;
  int64_t heads = 1;    // heads side by side (each its own P tile)
  int64_t rowTiles = 1; // 128-row tiles of one head stacked over one v tile
  bool transA = false;  // A tiles stored k-major ([k][m]): P^T of the dv GEMM
  int64_t bm() const { return kBM * rowTiles; }
  int64_t threads() const { return kGemmThreads * heads * rowTiles; }
  /// Row padding of k-major A tiles: rows of 136 or 264 elements start 4
  /// banks apart (ldmatrix.trans), 136 words 8 banks apart (f32 loads).
  static constexpr int64_t kPadTransA = 8;
  int64_t stageBytesA() const {
    if (transA)
      return heads * bk * (bm() + kPadTransA) * elementBytes;
    return heads * bm() * (bk + padA) * elementBytes;
  }
  int64_t stageBytesB() const {
    return bk * (heads * kBN + padB) * elementBytes;
  }
  /// The epilogue's output tile, in the same bytes as the stages.
  int64_t outputTileBytes() const {
    return bm() * (heads * kBN + padC) * elementBytes;
  }
  int64_t sharedBytes() const {
    return std::max(stages * (stageBytesA() + stageBytesB()),
                    outputTileBytes());
  }
};
// 16-bit data: ldmatrix rows of 80 and 272 (528 with two heads) bytes hit
// distinct bank groups, and so do the output tile's rows.
constexpr GemmLayout kLayout16{2, 8, kBK, 8, 8, 8, 4};
// f32 data: scalar fragment loads; row strides of 20 and 136 words put the
// 32 lanes of a load on 32 distinct banks (8-byte accumulator pairs: 136).
// K stages of 16 keep the unrolled fragment loads (two split operands each
// in ieee mode) within the registers.
constexpr GemmLayout kLayout32{4, 4, 16, 4, 8, 8, 4};

/// The GEMM reads its operands from L2 at 64 FLOP per byte with one
/// 128x128 tile per 8 warps, and L2 throughput is what bounds it; two tiles
/// per CTA that share an operand tile raise that.
/// - One head's C channels of an (s, j) row of v are C * element bytes
///   contiguous bytes. Below a 32-byte sector, a CTA computes the
///   neighbouring head too, so that its copies of v and gate and its stores
///   of out fill whole sectors (each head keeps its own P tile and warps).
/// - Otherwise (16-bit data) a CTA computes 256 rows of one head: the two
///   row tiles share each v tile (85 FLOP per byte).
/// Either way 16 warps of at most 128 registers fill an SM. The f32 kernels
/// need more registers (3xTF32) or read fragments element-wise; they keep
/// one tile per CTA.
GemmLayout gemmLayout(const ForwardVariant &v) {
  GemmLayout layout = v.dataType.isF32() ? kLayout32 : kLayout16;
  int64_t rowBytes = v.headDim * layout.elementBytes;
  layout.heads = rowBytes >= 32 ? 1 : 32 / rowBytes;
  if (!v.dataType.isF32() && layout.heads == 1)
    layout.rowTiles = 2;
  return layout;
}
constexpr int64_t kProbsThreads = 128, kWarpSize = 32;
constexpr double kLog2e = 1.4426950408889634;

std::string typeName(Type t) {
  return t.isBF16() ? "bf16" : t.isF16() ? "f16" : "f32";
}

/// The variant's name for its data and precision: bf16, f16, f32 (3xTF32,
/// f32 accuracy) or tf32.
std::string kindName(const ForwardVariant &v) {
  return v.dataType.isF32() && v.tf32 ? "tf32" : typeName(v.dataType);
}

/// A kernel under construction: its gpu.func, typed parameters, and a loop
/// builder positioned in its body.
class Kernel {
public:
  Kernel(OpBuilder &b, Location loc, StringRef name, int64_t threads,
         ArrayRef<std::pair<std::string, Type>> params, KernelInfo &info)
      : b(b), loc(loc) {
    info.entry = name.str();
    SmallVector<Type> types;
    for (auto &[pname, type] : params) {
      names.push_back(pname);
      // Pointers are passed as memref<1xT>: one .u64 under the bare ABI.
      if (auto memref = dyn_cast<MemRefType>(type))
        types.push_back(MemRefType::get({1}, memref.getElementType()));
      else
        types.push_back(type);
      info.params.push_back({pname, isa<MemRefType>(type) ? "ptr"
                                    : type.isF32()        ? "f32"
                                                          : "i64"});
    }
    func = gpu::GPUFuncOp::create(b, loc, name, b.getFunctionType(types, {}));
    func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
    func.setKnownBlockSizeAttr(
        b.getDenseI32ArrayAttr({int32_t(threads), 1, 1}));
    info.block = {threads, 1, 1};
    b.setInsertionPointToStart(&func.getBody().front());
    lb.emplace(b, loc);
    Value huge = lb->idx(int64_t(1) << 60);
    for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
      auto memref = dyn_cast<MemRefType>(arg.getType());
      if (!memref) {
        args.push_back(arg);
        continue;
      }
      func.setArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName(),
                      b.getUnitAttr());
      auto flat =
          MemRefType::get({ShapedType::kDynamic}, memref.getElementType());
      args.push_back(memref::ReinterpretCastOp::create(
          b, loc, flat, arg, OpFoldResult(b.getIndexAttr(0)),
          ArrayRef<OpFoldResult>{OpFoldResult(huge)},
          ArrayRef<OpFoldResult>{OpFoldResult(b.getIndexAttr(1))}));
    }
  }

  void finish() { gpu::ReturnOp::create(b, loc); }

  /// Marks pointer parameter `i` read-only (ld.global.nc).
  void readOnly(unsigned i) {
    func.setArgAttr(i, LLVM::LLVMDialect::getReadonlyAttrName(),
                    b.getUnitAttr());
  }

  Value arg(unsigned i) { return args[i]; }
  /// The parameter called `name` (which the kernel must have).
  Value arg(StringRef name) {
    auto it = llvm::find(names, name);
    assert(it != names.end() && "no such kernel parameter");
    return args[it - names.begin()];
  }
  unsigned argIndex(StringRef name) {
    return llvm::find(names, name) - names.begin();
  }
  Value tid() { return gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x); }
  Value bid(gpu::Dimension d) { return gpu::BlockIdOp::create(b, loc, d); }

  /// Butterfly all-reduce over the 32 lanes of a warp.
  Value warpReduce(Value x, bool isMax) {
    for (int32_t offset = 16; offset >= 1; offset /= 2) {
      Value other = gpu::ShuffleOp::create(b, loc, x, offset, kWarpSize,
                                           gpu::ShuffleMode::XOR)
                        .getShuffleResult();
      x = isMax ? lb->max(x, other) : lb->add(x, other);
    }
    return x;
  }
  Value exp2(Value x) { return math::Exp2Op::create(b, loc, x); }
  Value minui(Value x, Value y) { return arith::MinUIOp::create(b, loc, x, y); }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value isNonZero(Value x) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, lb->c0);
  }
  /// sigmoid(x) = 1 / (1 + 2^(-x log2 e)).
  Value sigmoid(Value x) {
    Value e = exp2(lb->mul(x, lb->f32(-kLog2e)));
    return lb->div(lb->f32(1.0), lb->add(lb->f32(1.0), e));
  }

  // Tensor-core building blocks shared by the GEMM kernels.

  /// Register `r` of an ldmatrix fragment: nvvm.mma.sync takes f16 pairs as
  /// vector<2xf16> and bf16 pairs packed in i32.
  Value fragmentRegister(Value fragment, int64_t r) {
    Value e = vector::ExtractOp::create(b, loc, fragment, ArrayRef<int64_t>{r});
    if (cast<VectorType>(fragment.getType()).getElementType().isF16())
      return e;
    return LLVM::BitcastOp::create(b, loc, b.getI32Type(), e);
  }
  /// acc[base, base + 4) += a x bv: one nvvm.mma.sync (row x col, f32
  /// accumulators) of `shape` on `type` operands.
  void mma(SmallVectorImpl<Value> &acc, int64_t base, ValueRange a,
           ValueRange bv, ArrayRef<int64_t> shape, NVVM::MMATypes type) {
    Type f32 = b.getF32Type();
    auto accType =
        LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
    auto op = NVVM::MmaOp::create(
        b, loc, accType, a, bv, ArrayRef<Value>(acc).slice(base, 4), shape,
        std::nullopt, std::nullopt, std::array<NVVM::MMATypes, 2>{type, type},
        std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                       NVVM::MMALayout::col});
    for (int64_t r = 0; r < 4; ++r)
      acc[base + r] = LLVM::ExtractValueOp::create(b, loc, op.getResult(),
                                                   ArrayRef<int64_t>{r});
  }
  /// The tf32 operand(s) of f32 `x`: rounded once into `big` (tf32 mode),
  /// or split x = big + small into two tf32 numbers (3xTF32, `split`).
  void tf32Operand(Value x, bool split, SmallVectorImpl<Value> &big,
                   SmallVectorImpl<Value> &small) {
    auto toTF32 = [&](Value y) -> Value {
      return NVVM::ConvertFloatToTF32Op::create(b, loc, b.getI32Type(), y,
                                                NVVM::FPRoundingMode::RNA);
    };
    Value hi = toTF32(x);
    big.push_back(hi);
    if (split)
      small.push_back(toTF32(
          lb->sub(x, arith::BitcastOp::create(b, loc, b.getF32Type(), hi))));
  }
  /// tile[at...] *= m for one 16-byte vector of `n` elements, in f32.
  void scaleChunk(Value tile, ValueRange at, Value m, int64_t n) {
    Type T = cast<MemRefType>(tile.getType()).getElementType();
    auto chunkType = VectorType::get({n}, T);
    auto wideType = VectorType::get({n}, b.getF32Type());
    Value x = vector::LoadOp::create(b, loc, chunkType, tile, at, false,
                                     llvm::MaybeAlign(16));
    if (!T.isF32())
      x = arith::ExtFOp::create(b, loc, wideType, x);
    x = lb->mul(x, vector::BroadcastOp::create(b, loc, wideType, m));
    if (!T.isF32())
      x = arith::TruncFOp::create(b, loc, chunkType, x);
    vector::StoreOp::create(b, loc, x, tile, at, false, llvm::MaybeAlign(16));
  }
  /// The f32 pair tile[row, col .. col + 1] (8-byte aligned) set to zero.
  void zeroPair(Value tile, Value row, Value col) {
    auto pairType = VectorType::get({2}, b.getF32Type());
    Value zero = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(pairType, b.getF32FloatAttr(0.0)));
    vector::StoreOp::create(b, loc, zero, tile, ValueRange{row, col}, false,
                            llvm::MaybeAlign(8));
  }
  /// tile[row, col .. col + 1] += (x0, x1), and x0 = x1 = 0: accumulators
  /// restarting from zero after an IEEE f32 addition into shared memory.
  void addPairInto(Value tile, Value row, Value col, Value &x0, Value &x1) {
    auto pairType = VectorType::get({2}, b.getF32Type());
    Value total =
        vector::LoadOp::create(b, loc, pairType, tile, ValueRange{row, col},
                               false, llvm::MaybeAlign(8));
    Value x =
        vector::FromElementsOp::create(b, loc, pairType, ValueRange{x0, x1});
    vector::StoreOp::create(b, loc, lb->add(total, x), tile,
                            ValueRange{row, col}, false, llvm::MaybeAlign(8));
    x0 = x1 = lb->f32(0.0);
  }

  OpBuilder &b;
  Location loc;
  gpu::GPUFuncOp func;
  std::optional<LoopBuilder> lb;
  SmallVector<Value> args;
  SmallVector<std::string> names;
};

//===----------------------------------------------------------------------===//
// probs: row statistics and P
//===----------------------------------------------------------------------===//

void buildProbsKernel(OpBuilder &b, Location loc, const ForwardVariant &v,
                      KernelInfo &info) {
  Type T = v.dataType, f32 = b.getF32Type(), index = b.getIndexType();
  auto buf = [&](Type t) { return MemRefType::get({1}, t); };
  Kernel k(b, loc, "msa_pwa_probs_" + typeName(T), kProbsThreads,
           {{"bias", buf(T)},
            {"pair_mask", buf(T)},
            {"probs", buf(T)},
            {"lse", buf(f32)},
            {"B", index},
            {"R", index},
            {"H", index},
            {"Rp", index},
            {"bias_stride_b", index},
            {"bias_stride_i", index},
            {"bias_stride_j", index},
            {"bias_stride_h", index},
            {"mask_stride_b", index},
            {"mask_stride_i", index},
            {"mask_stride_j", index},
            {"has_pair_mask", index},
            {"has_lse", index},
            {"inf", f32}},
           info);
  k.readOnly(0);
  k.readOnly(1);
  info.grid = {"R", "B", "1"};
  LoopBuilder &lb = *k.lb;
  Value bias = k.arg(0), mask = k.arg(1), probs = k.arg(2), lse = k.arg(3);
  Value R = k.arg(5), H = k.arg(6), Rp = k.arg(7);
  Value inf = k.arg(17);
  Value i = k.bid(gpu::Dimension::x), bIdx = k.bid(gpu::Dimension::y);
  Value tid = k.tid();
  Value c32 = lb.idx(kWarpSize);
  Value warp = lb.divui(tid, c32), lane = lb.remui(tid, c32);
  Value numWarps = lb.idx(kProbsThreads / kWarpSize);
  Value hasMask = k.isNonZero(k.arg(15)), hasLse = k.isNonZero(k.arg(16));
  Value Rm1 = arith::SubIOp::create(b, loc, R, lb.c1);

  lb.loop(warp, H, numWarps, [&](Value h) {
    Value biasBase =
        lb.linearize({bIdx, i, h}, {k.arg(8), k.arg(9), k.arg(11)});
    Value maskBase = lb.linearize({bIdx, i}, {k.arg(12), k.arg(13)});
    auto row = [&](bool masked) {
      auto term = [&](Value j) {
        Value m = lb.load(mask, {lb.addi(maskBase, lb.muli(j, k.arg(14)))});
        return lb.mul(inf, lb.sub(m, lb.f32(1.0)));
      };
      Value kmax = lb.f32(0.0);
      if (masked)
        kmax = k.warpReduce(
            lb.reduce(lane, R, c32, lb.negInf(),
                      [&](Value j, Value acc) { return lb.max(acc, term(j)); }),
            /*isMax=*/true);
      auto logit = [&](Value j) {
        Value x = lb.load(bias, {lb.addi(biasBase, lb.muli(j, k.arg(10)))});
        return masked ? lb.add(x, lb.sub(term(j), kmax)) : x;
      };
      Value m = k.warpReduce(
          lb.reduce(lane, R, c32, lb.negInf(),
                    [&](Value j, Value acc) { return lb.max(acc, logit(j)); }),
          /*isMax=*/true);
      Value scaledMax = lb.mul(m, lb.f32(kLog2e));
      auto expOf = [&](Value j) {
        return k.exp2(lb.sub(lb.mul(logit(j), lb.f32(kLog2e)), scaledMax));
      };
      Value sum = k.warpReduce(
          lb.reduce(lane, R, c32, lb.f32(0.0),
                    [&](Value j, Value acc) { return lb.add(acc, expOf(j)); }),
          /*isMax=*/false);
      Value bh = lb.addi(lb.muli(bIdx, H), h);
      lb.ifThen(lb.andi(hasLse, lb.ult(lane, lb.c1)), [&] {
        lb.store(lb.add(m, lb.log(sum)), lse, {lb.addi(lb.muli(bh, R), i)});
      });
      Value inv = lb.div(lb.f32(1.0), sum);
      Value rowBase = lb.muli(lb.addi(lb.muli(bh, R), i), Rp);
      // The padding columns [R, Rp) get zeros.
      lb.loop(lane, Rp, c32, [&](Value j) {
        Value p = lb.mul(expOf(k.minui(j, Rm1)), inv);
        p = k.select(lb.ult(j, R), p, lb.f32(0.0));
        lb.store(p, probs, {lb.addi(rowBase, j)});
      });
    };
    scf::IfOp::create(
        b, loc, hasMask,
        [&](OpBuilder &, Location) {
          row(true);
          scf::YieldOp::create(b, loc);
        },
        [&](OpBuilder &, Location) {
          row(false);
          scf::YieldOp::create(b, loc);
        });
  });
  k.finish();
}

//===----------------------------------------------------------------------===//
// fwd and bwd_dv: tensor-core GEMMs over the probabilities
//===----------------------------------------------------------------------===//

/// The two GEMMs with P (or P^T) as the A operand and an [S, R, H, C]
/// tensor as B, N = (s, c):
/// - Forward: out = sigmoid(gate) * (P x v'), v' = v * msa_mask (applied to
///   the v tile).
/// - BackwardDV: dv = msa_mask * (P^T x dO'), dO' the prep kernel's dense
///   scratch; A tiles are copied k-major and read with ldmatrix.trans.
enum class GemmRole { Forward, BackwardDV };

void buildGemmKernel(OpBuilder &b, Location loc, const ForwardVariant &v,
                     GemmRole role, KernelInfo &info) {
  const bool forward = role == GemmRole::Forward;
  Type T = v.dataType, f32 = b.getF32Type(), index = b.getIndexType();
  MLIRContext *ctx = b.getContext();
  auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  GemmLayout L = gemmLayout(v);
  L.transA = !forward;
  // sm_90a, 16-bit data, forward: warpgroup MMAs (wgmma) read both operands
  // from shared memory through matrix descriptors; the tiles are stored in
  // the descriptors' unswizzled core-matrix layout (8 rows of 16 bytes, 128
  // contiguous bytes). The core matrices are spaced so that the 8 lanes of
  // a quarter warp, which copy whole 32-byte sectors (the 64-byte k pieces
  // of two P rows; eight neighbouring 16-byte pieces of one v row), write
  // 8 distinct 16-byte bank groups: A's k cores 160 bytes apart (16-byte
  // row r of core kc in bank group 2 kc + r), B's n cores 16 bytes more
  // than their 32 k rows (row j of core n in bank group n + j).
  const bool useWgmma = forward && v.wgmma;

  const int64_t kStages = L.stages, kBK = L.bk, kHeads = L.heads;
  const int64_t threads = L.threads(), BM = L.bm();
  const int64_t warpsPerHead = kWarpsM * kWarpsN * L.rowTiles;
  // Columns of the shared v and staging tiles: (s, head, c), c fastest.
  const int64_t tileCols = kHeads * kBN;
  // wgmma layouts: A (P, k-major) as [row / 8][k / 8][row % 8 (+ 2)][k % 8],
  // B (v, n-major) as [n / 8][k (+ 1)][n % 8].
  auto smemA =
      useWgmma ? MemRefType::get({kStages, kHeads * BM / 8, kBK / 8, 80}, T,
                                 MemRefLayoutAttrInterface{}, wg)
      : L.transA
          ? MemRefType::get({kStages, kHeads * kBK, BM + L.kPadTransA}, T,
                            MemRefLayoutAttrInterface{}, wg)
          : MemRefType::get({kStages, kHeads * BM, kBK + L.padA}, T,
                            MemRefLayoutAttrInterface{}, wg);
  auto smemB =
      useWgmma ? MemRefType::get({kStages, tileCols / 8, kBK + 1, 8}, T,
                                 MemRefLayoutAttrInterface{}, wg)
               : MemRefType::get({kStages, kBK, tileCols + L.padB}, T,
                                 MemRefLayoutAttrInterface{}, wg);
  auto smemC = MemRefType::get({BM, tileCols + L.padC}, T,
                               MemRefLayoutAttrInterface{}, wg);
  std::string suffix = kindName(v) + "_c" + std::to_string(v.headDim);
  auto buf = [&](Type t) { return MemRefType::get({1}, t); };
  std::vector<std::pair<std::string, Type>> params;
  if (forward)
    params = {{"probs", buf(T)},
              {"v", buf(T)},
              {"gate", buf(T)},
              {"msa_mask", buf(T)},
              {"out", buf(T)},
              {"B", index},
              {"S", index},
              {"R", index},
              {"H", index},
              {"Rp", index},
              {"v_stride_b", index},
              {"v_stride_s", index},
              {"v_stride_j", index},
              {"v_stride_h", index},
              {"gate_stride_b", index},
              {"gate_stride_s", index},
              {"gate_stride_i", index},
              {"gate_stride_h", index},
              {"out_stride_b", index},
              {"out_stride_s", index},
              {"out_stride_i", index},
              {"out_stride_h", index},
              {"mask_stride_b", index},
              {"mask_stride_s", index},
              {"mask_stride_j", index},
              {"has_msa_mask", index}};
  else
    params = {{"probs", buf(T)},
              {"dop", buf(T)},
              {"msa_mask", buf(T)},
              {"dv", buf(T)},
              {"B", index},
              {"S", index},
              {"R", index},
              {"H", index},
              {"Rp", index},
              {"dv_stride_b", index},
              {"dv_stride_s", index},
              {"dv_stride_j", index},
              {"dv_stride_h", index},
              {"mask_stride_b", index},
              {"mask_stride_s", index},
              {"mask_stride_j", index},
              {"has_msa_mask", index}};
  Kernel k(b, loc, (forward ? "msa_pwa_fwd_" : "msa_pwa_bwd_dv_") + suffix,
           threads, params, info);
  for (StringRef input : {"probs", "v", "dop", "gate", "msa_mask"})
    if (llvm::is_contained(k.names, input))
      k.readOnly(k.argIndex(input));
  // Sixteen warps per SM hide the pipeline's latencies better than eight
  // with more registers: two CTAs of 8 warps, or one of 16 when a CTA takes
  // two heads; ptxas keeps the kernel within 128 registers either way. The
  // 3xTF32 kernel holds split operands and would spill at 128; it runs one
  // CTA of 8 warps per SM.
  bool threeTF32 = T.isF32() && !v.tf32;
  k.func->setAttr(
      "nvvm.minctasm",
      b.getI32IntegerAttr(threads > kGemmThreads || threeTF32 ? 1 : 2));
  // Head groups vary fastest, then i tiles: the CTAs that read one (s, c)
  // slab of v run together, so the slab comes from DRAM once and the i tiles
  // share it through L2.
  std::string heads =
      kHeads == 1 ? "H" : "ceil(H/" + std::to_string(kHeads) + ")";
  info.grid = {"B*" + heads, "ceil(R/" + std::to_string(BM) + ")",
               "ceil(S*C/" + std::to_string(kBN) + ")"};
  LoopBuilder &lb = *k.lb;
  // The B operand (v, or the dense dO') and the output (out, or dv).
  Value probs = k.arg("probs"), vbuf = k.arg(forward ? "v" : "dop"),
        mmask = k.arg("msa_mask"), out = k.arg(forward ? "out" : "dv");
  Value gate = forward ? k.arg("gate") : Value();
  Value S = k.arg("S"), R = k.arg("R"), H = k.arg("H"), Rp = k.arg("Rp");
  Value C = lb.idx(v.headDim);
  Value hasMask = k.isNonZero(k.arg("has_msa_mask"));
  std::array<Value, 4> bStrides;
  if (forward) {
    bStrides = {k.arg("v_stride_b"), k.arg("v_stride_s"), k.arg("v_stride_j"),
                k.arg("v_stride_h")};
  } else {
    Value hc = lb.muli(H, C), rhc = lb.muli(R, hc);
    bStrides = {lb.muli(S, rhc), rhc, hc, C};
  }
  std::string outName = forward ? "out" : "dv";
  std::array<Value, 4> outStrides = {
      k.arg(outName + "_stride_b"), k.arg(outName + "_stride_s"),
      k.arg(outName + (forward ? "_stride_i" : "_stride_j")),
      k.arg(outName + "_stride_h")};
  std::array<Value, 3> maskStrides = {
      k.arg("mask_stride_b"), k.arg("mask_stride_s"), k.arg("mask_stride_j")};
  // The P stages, then the v stages, in dynamic shared memory (more than
  // the 48 KiB of static shared memory; the runtime opts in). The epilogue
  // reuses the same bytes for the output tile.
  // In ieee mode (3xTF32) the accumulators are added into an f32 tile in
  // shared memory (after the stages and the output tile) at every K step
  // and restart from zero, as in the dbias GEMM: short tensor-core
  // accumulation chains keep f32 accuracy for large R.
  auto accTileType =
      MemRefType::get({BM, tileCols + 8}, f32, MemRefLayoutAttrInterface{}, wg);
  const int64_t accTileBytes = BM * (tileCols + 8) * 4;
  info.dynamicSharedBytes = L.sharedBytes() + (threeTF32 ? accTileBytes : 0);
  Value dyn = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface{}, wg));
  Value sA = memref::ViewOp::create(b, loc, smemA, dyn, lb.c0, ValueRange{});
  Value sB = memref::ViewOp::create(
      b, loc, smemB, dyn, lb.idx(kStages * L.stageBytesA()), ValueRange{});

  Value tid = k.tid();
  Value c32 = lb.idx(kWarpSize), c8 = lb.idx(8), c16 = lb.idx(16),
        c4 = lb.idx(4), c2 = lb.idx(2);
  Value warp = lb.divui(tid, c32), lane = lb.remui(tid, c32);
  // Each head of the CTA's group has its own warps, kWarpsN across the
  // columns and kWarpsM per 128 rows.
  Value myHead = lb.divui(warp, lb.idx(warpsPerHead));
  Value warpInHead = lb.remui(warp, lb.idx(warpsPerHead));
  Value wm = lb.divui(warpInHead, lb.idx(kWarpsN)),
        wn = lb.remui(warpInHead, lb.idx(kWarpsN));
  Value i0 = lb.muli(k.bid(gpu::Dimension::y), lb.idx(BM));
  Value n0 = lb.muli(k.bid(gpu::Dimension::z), lb.idx(kBN));
  Value s0 = lb.divui(n0, C);
  Value headGroups = lb.divui(lb.addi(H, lb.idx(kHeads - 1)), lb.idx(kHeads));
  Value group0 = k.bid(gpu::Dimension::x);
  Value bIdx = lb.divui(group0, headGroups);
  Value h0 = lb.muli(lb.remui(group0, headGroups), lb.idx(kHeads));
  Value Rm1 = arith::SubIOp::create(b, loc, R, lb.c1);
  Value Sm1 = arith::SubIOp::create(b, loc, S, lb.c1);
  Value Hm1 = arith::SubIOp::create(b, loc, H, lb.c1);
  Value cChunk = lb.idx(L.chunk);
  Value RpmChunk = arith::SubIOp::create(b, loc, Rp, cChunk);
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(ctx);

  // Column of the shared tiles that holds head-local column `n` ((s, c) of
  // one head) of head `head`.
  auto tileCol = [&](Value n, Value head) -> Value {
    if (kHeads == 1)
      return n;
    return lb.addi(lb.addi(lb.muli(lb.divui(n, C), lb.idx(kHeads * v.headDim)),
                           lb.muli(head, C)),
                   lb.remui(n, C));
  };
  // Where a column of the shared tiles lives: its s, head and channel.
  struct Column {
    Value s, h, c, valid;
  };
  auto columnOf = [&](Value col) {
    Value sl = lb.divui(col, lb.idx(kHeads * v.headDim));
    Value head = lb.remui(lb.divui(col, C), lb.idx(kHeads));
    Value s = lb.addi(s0, sl), h = lb.addi(h0, head);
    return Column{s, h, lb.remui(col, C), lb.andi(lb.ult(s, S), lb.ult(h, H))};
  };

  // Chunk q of a tile (several per thread): 16-byte copies, zero-filled
  // where the source is out of range.
  auto chunksOf = [&](int64_t tileElements) {
    SmallVector<Value> ids;
    for (int64_t q = 0; q < tileElements / L.chunk; q += threads)
      ids.push_back(lb.addi(tid, lb.idx(q)));
    return ids;
  };
  SmallVector<Value> aChunks = chunksOf(kHeads * BM * kBK),
                     bChunks = chunksOf(kBK * tileCols);
  // What each thread copies does not change from one K step to the next:
  // its chunks' rows, columns, validity and base offsets are computed once,
  // so a K step costs a few adds per copy.
  struct ACopy {
    Value row, col, valid, rowBase;
  };
  struct BCopy {
    Value row, col, s, valid, base;
  };
  SmallVector<ACopy> aCopies;
  // k-major A (P^T): row k of head h's tile is P row k0 + k, columns
  // [i0, i0 + BM) of it; `col` is the offset in that row.
  for (Value q : L.transA ? aChunks : SmallVector<Value>{}) {
    Value perRow = lb.idx(BM / L.chunk);
    Value row = lb.divui(q, perRow), col = lb.muli(lb.remui(q, perRow), cChunk);
    Value h = lb.addi(h0, lb.divui(row, lb.idx(kBK)));
    Value bh = lb.addi(lb.muli(bIdx, H), k.minui(h, Hm1));
    aCopies.push_back({row, col, lb.ult(h, H), lb.muli(bh, R)});
  }
  for (Value q : L.transA ? SmallVector<Value>{} : aChunks) {
    Value perRow = lb.idx(kBK / L.chunk);
    Value row = lb.divui(q, perRow), col = lb.muli(lb.remui(q, perRow), cChunk);
    Value i = lb.addi(i0, lb.remui(row, lb.idx(BM)));
    Value h = lb.addi(h0, lb.divui(row, lb.idx(BM)));
    Value bh = lb.addi(lb.muli(bIdx, H), k.minui(h, Hm1));
    aCopies.push_back({row, col, lb.andi(lb.ult(i, R), lb.ult(h, H)),
                       lb.muli(lb.addi(lb.muli(bh, R), k.minui(i, Rm1)), Rp)});
  }
  SmallVector<BCopy> bCopies;
  for (Value q : bChunks) {
    Value perRow = lb.idx(tileCols / L.chunk);
    Value row = lb.divui(q, perRow), col = lb.muli(lb.remui(q, perRow), cChunk);
    Column at = columnOf(col);
    Value base =
        lb.addi(lb.linearize({bIdx, k.minui(at.s, Sm1), k.minui(at.h, Hm1)},
                             {bStrides[0], bStrides[1], bStrides[3]}),
                at.c);
    bCopies.push_back({row, col, at.s, at.valid, base});
  }
  // Where the 16-byte chunk at (row, col) of a stage's A or B tile lives.
  auto aSlot = [&](Value stage, Value row, Value col) -> SmallVector<Value> {
    if (!useWgmma)
      return {stage, row, col};
    return {stage, lb.divui(row, c8), lb.divui(col, c8),
            lb.muli(lb.remui(row, c8), c8)};
  };
  auto bSlot = [&](Value stage, Value row, Value col) -> SmallVector<Value> {
    if (!useWgmma)
      return {stage, row, col};
    return {stage, lb.divui(col, c8), row, lb.c0};
  };
  auto issueTile = [&](Value stage, Value j0) {
    SmallVector<Value> tokens;
    for (const ACopy &a : L.transA ? aCopies : SmallVector<ACopy>{}) {
      // P row i = j0 + k (zeros beyond R), columns i0 + col ...: the row's
      // padding [R, Rp) holds zeros, columns beyond Rp are zero-filled.
      Value i = lb.addi(j0, lb.remui(a.row, lb.idx(kBK)));
      Value m = lb.addi(i0, a.col);
      Value left =
          k.select(lb.ult(m, Rp), arith::SubIOp::create(b, loc, Rp, m), lb.c0);
      Value count = k.select(lb.andi(a.valid, lb.ult(i, R)),
                             k.minui(left, cChunk), lb.c0);
      Value src = lb.addi(lb.muli(lb.addi(a.rowBase, k.minui(i, Rm1)), Rp),
                          k.minui(m, RpmChunk));
      tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, tokenType, sA, ValueRange{stage, a.row, a.col}, probs,
          ValueRange{src}, b.getIndexAttr(L.chunk), count, b.getUnitAttr()));
    }
    for (const ACopy &a : L.transA ? SmallVector<ACopy>{} : aCopies) {
      Value j = lb.addi(j0, a.col);
      Value left =
          k.select(lb.ult(j, R), arith::SubIOp::create(b, loc, R, j), lb.c0);
      Value count = k.select(a.valid, k.minui(left, cChunk), lb.c0);
      Value src = lb.addi(a.rowBase, k.minui(j, RpmChunk));
      tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, tokenType, sA, aSlot(stage, a.row, a.col), probs,
          ValueRange{src}, b.getIndexAttr(L.chunk), count, b.getUnitAttr()));
    }
    for (const BCopy &c : bCopies) {
      Value j = lb.addi(j0, c.row);
      Value valid = lb.andi(lb.ult(j, R), c.valid);
      Value count = k.select(valid, cChunk, lb.c0);
      Value src = lb.addi(c.base, lb.muli(k.minui(j, Rm1), bStrides[2]));
      tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, tokenType, sB, bSlot(stage, c.row, c.col), vbuf,
          ValueRange{src}, b.getIndexAttr(L.chunk), count, b.getUnitAttr()));
    }
    return nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType, tokens);
  };
  // v' = v * msa_mask[b, s, j], applied to the tile in shared memory. The
  // mask values of a tile are loaded one K step ahead (loop-carried), so no
  // K step waits on global memory for them. Out-of-range chunks hold zeros
  // and get 0.
  auto maskValues = [&](Value j0) {
    SmallVector<Value> values;
    // The dv GEMM applies the mask to its output rows instead.
    if (!forward)
      return values;
    for (const BCopy &c : bCopies) {
      Value j = lb.addi(j0, c.row);
      Value inRange = lb.andi(hasMask, lb.andi(lb.ult(j, R), c.valid));
      auto load = scf::IfOp::create(b, loc, TypeRange{f32}, inRange,
                                    /*withElseRegion=*/true);
      b.setInsertionPointToStart(&load.getThenRegion().front());
      scf::YieldOp::create(
          b, loc, lb.load(mmask, {lb.linearize({bIdx, c.s, j}, maskStrides)}));
      b.setInsertionPointToStart(&load.getElseRegion().front());
      scf::YieldOp::create(b, loc, lb.f32(0.0));
      b.setInsertionPointAfter(load);
      values.push_back(load.getResult(0));
    }
    return values;
  };
  // Each chunk is one 16-byte vector in shared memory.
  auto maskTile = [&](Value stage, ValueRange values) {
    for (auto [c, m] : llvm::zip(bCopies, values))
      k.scaleChunk(sB, bSlot(stage, c.row, c.col), m, L.chunk);
  };

  auto frag = VectorType::get({4, 2}, T);
  auto pack = [&](Value fragment, int64_t r) {
    return k.fragmentRegister(fragment, r);
  };
  NVVM::MMATypes ptxType =
      T.isBF16() ? NVVM::MMATypes::bf16 : NVVM::MMATypes::f16;

  // kMT (m16 tiles) x kNT (n8 tiles) x 4 f32 accumulators per thread.
  constexpr int64_t kMT = kWarpTileM / 16, kNT = kWarpTileN / 8;
  // This warp's first row of the A tile and first head-local column. A
  // k-major A tile has the head's block of k rows instead (kRowBase) and
  // the warp's rows as columns.
  Value warpRow = L.transA ? lb.muli(wm, lb.idx(kWarpTileM))
                           : lb.addi(lb.muli(myHead, lb.idx(BM)),
                                     lb.muli(wm, lb.idx(kWarpTileM)));
  Value kRowBase = L.transA ? lb.muli(myHead, lb.idx(kBK)) : lb.c0;
  Value warpCol = lb.muli(wn, lb.idx(kWarpTileN));
  Value warpBusy =
      lb.andi(lb.ult(lb.addi(i0, lb.muli(wm, lb.idx(kWarpTileM))), R),
              lb.ult(lb.addi(h0, myHead), H));
  // wgmma: each warpgroup (4 warps) computes 64 rows x the head's kBN
  // columns; warp w of the group holds rows 16 w .. 16 w + 15 of them, its
  // accumulators laid out as an m16 x kBN mma.sync tile.
  constexpr int64_t kWgRows = 64, kWgNT = kBN / 8;
  Value wgRow = lb.muli(lb.divui(warpInHead, c4), lb.idx(kWgRows));
  Value wgWarp = lb.remui(warpInHead, c4);
  if (useWgmma)
    warpBusy = lb.andi(lb.ult(lb.addi(i0, wgRow), R),
                       lb.ult(lb.addi(h0, myHead), H));

  // f32 data: m16n8k8 tf32 MMAs on fragments read from shared memory. In
  // tf32 mode each operand is rounded to tf32 once; otherwise (ieee) it is
  // split x = big + small into two tf32 numbers and the product accumulates
  // big*small + small*big + big*big (3xTF32), keeping f32 accuracy.
  Value group = lb.divui(lane, c4), thread = lb.remui(lane, c4);
  auto computeF32 = [&](Value stage,
                        function_ref<void(int64_t, ValueRange, ValueRange,
                                          ArrayRef<int64_t>, NVVM::MMATypes)>
                            mmaInto) {
    for (int64_t ks = 0; ks < kBK; ks += 8) {
      SmallVector<SmallVector<Value>> aBig(kMT), aSmall(kMT), bBig(kNT),
          bSmall(kNT);
      auto operand = [&](Value buffer, Value r, Value c,
                         SmallVector<Value> &big, SmallVector<Value> &small) {
        k.tf32Operand(
            memref::LoadOp::create(b, loc, buffer, ValueRange{stage, r, c}),
            !v.tf32, big, small);
      };
      for (int64_t mt = 0; mt < kMT; ++mt) {
        Value r0 = lb.addi(lb.addi(warpRow, lb.idx(mt * 16)), group);
        Value r1 = lb.addi(r0, c8);
        Value k0 = lb.addi(lb.idx(ks), thread), k1 = lb.addi(k0, c4);
        // a0 (g, t), a1 (g + 8, t), a2 (g, t + 4), a3 (g + 8, t + 4).
        for (auto [r, c] :
             {std::pair<Value, Value>{r0, k0}, {r1, k0}, {r0, k1}, {r1, k1}}) {
          if (L.transA)
            operand(sA, lb.addi(kRowBase, c), r, aBig[mt], aSmall[mt]);
          else
            operand(sA, r, c, aBig[mt], aSmall[mt]);
        }
      }
      // One n8 tile of B at a time: its fragments are used right away, so
      // few of them are live at once.
      for (int64_t nt = 0; nt < kNT; ++nt) {
        Value n =
            lb.addi(tileCol(lb.addi(warpCol, lb.idx(nt * 8)), myHead), group);
        Value k0 = lb.addi(lb.idx(ks), thread), k1 = lb.addi(k0, c4);
        // b0 (k = t, n = g), b1 (k = t + 4, n = g).
        operand(sB, k0, n, bBig[nt], bSmall[nt]);
        operand(sB, k1, n, bBig[nt], bSmall[nt]);
        for (int64_t mt = 0; mt < kMT; ++mt) {
          int64_t base = (mt * kNT + nt) * 4;
          if (!v.tf32) {
            mmaInto(base, aBig[mt], bSmall[nt], {16, 8, 8},
                    NVVM::MMATypes::tf32);
            mmaInto(base, aSmall[mt], bBig[nt], {16, 8, 8},
                    NVVM::MMATypes::tf32);
          }
          mmaInto(base, aBig[mt], bBig[nt], {16, 8, 8}, NVVM::MMATypes::tf32);
        }
      }
    }
  };
  // This thread's accumulator pairs: (row, column) in the output tile and
  // the index of the first of the pair.
  Value quad = lb.divui(lane, c4), pair = lb.muli(lb.remui(lane, c4), c2);
  auto forEachPair = [&](function_ref<void(Value, Value, int64_t)> fn) {
    if (useWgmma) {
      Value warpRow0 = lb.addi(wgRow, lb.muli(wgWarp, c16));
      for (int64_t nt = 0; nt < kWgNT; ++nt)
        for (int64_t half = 0; half < 2; ++half)
          fn(lb.addi(warpRow0, lb.addi(lb.idx(half * 8), quad)),
             lb.addi(tileCol(lb.idx(nt * 8), myHead), pair),
             nt * 4 + half * 2);
      return;
    }
    for (int64_t mt = 0; mt < kMT; ++mt)
      for (int64_t nt = 0; nt < kNT; ++nt)
        for (int64_t half = 0; half < 2; ++half)
          fn(lb.addi(lb.muli(wm, lb.idx(kWarpTileM)),
                     lb.addi(lb.idx(mt * 16 + half * 8), quad)),
             lb.addi(tileCol(lb.addi(warpCol, lb.idx(nt * 8)), myHead), pair),
             (mt * kNT + nt) * 4 + half * 2);
  };
  auto accPairType = VectorType::get({2}, f32);
  Value sAcc;
  if (threeTF32) {
    sAcc = memref::ViewOp::create(b, loc, accTileType, dyn,
                                  lb.idx(L.sharedBytes()), ValueRange{});
    forEachPair(
        [&](Value row, Value col, int64_t) { k.zeroPair(sAcc, row, col); });
  }
  // Byte strides of the wgmma tiles (see smemA, smemB): A's k cores and
  // 8-row groups, B's n cores, and a stage of each.
  const int64_t wgLboA = 80 * L.elementBytes, wgSboA = kBK / 8 * wgLboA;
  const int64_t wgCoreB = (kBK + 1) * 8 * L.elementBytes;
  const int64_t wgStageA = kHeads * BM / 8 * wgSboA;
  const int64_t wgStageB = tileCols / 8 * wgCoreB;
  assert((!useWgmma || (wgStageA <= L.stageBytesA() &&
                        wgStageB <= L.stageBytesB())) &&
         "the wgmma tiles fit in the stages");
  // The wgmma accumulators are one LLVM struct of 64 f32, carried whole.
  auto wgAccType = LLVM::LLVMStructType::getLiteral(
      ctx, SmallVector<Type>(kWgNT * 4, f32));
  const int64_t numAcc = useWgmma ? 1 : kMT * kNT * 4;
  SmallVector<Value> loopInit(numAcc, lb.f32(0.0));
  if (useWgmma)
    loopInit[0] = LLVM::ZeroOp::create(b, loc, wgAccType);
  // Matrix descriptors (no swizzle): start address, the byte offset between
  // core matrices along k (LBO) and along m or n (SBO), each over 16.
  Value smemBase =
      useWgmma ? arith::IndexCastUIOp::create(
                     b, loc, b.getI64Type(),
                     memref::ExtractAlignedPointerAsIndexOp::create(b, loc, dyn))
                     .getResult()
               : Value();
  auto i64c = [&](int64_t x) {
    return arith::ConstantIntOp::create(b, loc, b.getI64Type(), x).getResult();
  };
  auto descriptor = [&](Value byteOffset, int64_t lbo, int64_t sbo) {
    Value address = arith::AddIOp::create(
        b, loc, smemBase,
        arith::IndexCastUIOp::create(b, loc, b.getI64Type(), byteOffset));
    Value start = arith::AndIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, address, i64c(4)),
        i64c(0x3FFF));
    return arith::OrIOp::create(
               b, loc, start, i64c(((lbo >> 4) << 16) | ((sbo >> 4) << 32)))
        .getResult();
  };
  llvm::append_range(loopInit, maskValues(lb.c0));
  Value numK = lb.divui(lb.addi(R, lb.idx(kBK - 1)), lb.idx(kBK));
  Value cBK = lb.idx(kBK);
  // Prologue: tiles 0 .. kStages-2 in flight.
  Value cStages = lb.idx(kStages);
  Value prologue;
  for (int64_t t = 0; t + 1 < kStages; ++t)
    prologue = issueTile(lb.idx(t), lb.idx(t * kBK));
  auto loop = scf::ForOp::create(
      b, loc, lb.c0, numK, lb.c1, loopInit,
      [&](OpBuilder &, Location, Value kt, ValueRange args) {
        ValueRange accIn = args.take_front(numAcc),
                   masksIn = args.drop_front(numAcc);
        Value stage = lb.remui(kt, cStages);
        Value next = lb.addi(kt, lb.idx(kStages - 1));
        // One group per tile is committed (the prologue's, then one per K
        // step), so tiles kt .. kt + kStages - 2 are pending: waiting until
        // kStages - 2 groups remain means tile kt has landed (the wait's
        // token only orders it after the prologue). After the barrier every
        // warp has also finished tile kt - 1, so its stage takes tile kt +
        // kStages - 1 (all zero-fill beyond R): one barrier per K step.
        nvgpu::DeviceAsyncWaitOp::create(b, loc, prologue,
                                         b.getI32IntegerAttr(kStages - 2));
        // wgmma reads shared memory through the async proxy: the copies
        // (generic proxy) are fenced before the barrier that publishes
        // them, and this warpgroup's MMAs of tile kt - 1 have finished
        // reading the stage that the copies below refill (leaving them
        // running across the barrier, with 4 to 6 stages, measured slower:
        // bench/README.md).
        auto proxyFence = [&] {
          NVVM::FenceProxyOp::create(
              b, loc, NVVM::ProxyKind::async_shared,
              NVVM::SharedSpaceAttr::get(ctx, NVVM::SharedSpace::shared_cta));
        };
        if (useWgmma) {
          proxyFence();
          NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
        }
        gpu::BarrierOp::create(b, loc);
        if (!useWgmma)
          issueTile(lb.remui(next, cStages), lb.muli(next, cBK));
        SmallVector<Value> masksNext =
            maskValues(lb.muli(lb.addi(kt, lb.c1), cBK));
        if (forward)
          lb.ifThen(hasMask, [&] {
            maskTile(stage, masksIn);
            if (useWgmma)
              proxyFence();
            gpu::BarrierOp::create(b, loc);
          });
        // Two m64n128k16 MMAs per K step on acc, issued asynchronously:
        // they run while this warpgroup refills a stage and waits for the
        // next tile.
        auto wgmmaStep = [&](Value acc) {
          NVVM::WgmmaFenceAlignedOp::create(b, loc);
          NVVM::WGMMATypes wgType =
              T.isBF16() ? NVVM::WGMMATypes::bf16 : NVVM::WGMMATypes::f16;
          for (int64_t ks = 0; ks < kBK; ks += 16) {
            Value aOffset = lb.addi(
                lb.muli(stage, lb.idx(wgStageA)),
                lb.addi(lb.muli(lb.divui(
                                    lb.addi(lb.muli(myHead, lb.idx(BM)), wgRow),
                                    c8),
                                lb.idx(wgSboA)),
                        lb.idx(ks / 8 * wgLboA)));
            Value bOffset = lb.addi(lb.addi(lb.idx(kStages * L.stageBytesA()),
                                            lb.muli(stage, lb.idx(wgStageB))),
                                    lb.addi(lb.muli(myHead, lb.idx(wgCoreB)),
                                            lb.idx(ks / 8 * 128)));
            acc = NVVM::WgmmaMmaAsyncOp::create(
                b, loc, wgAccType, acc, descriptor(aOffset, wgLboA, wgSboA),
                descriptor(bOffset, 128, kHeads * wgCoreB),
                NVVM::MMAShapeAttr::get(ctx, kWgRows, kBN, 16), wgType, wgType,
                NVVM::WGMMATypes::f32, NVVM::WGMMAScaleOut::one,
                NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one,
                NVVM::MMALayout::row, NVVM::MMALayout::row, nullptr);
          }
          NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
          return acc;
        };
        // Warps whose rows are all beyond R (or whose head is beyond H) skip
        // the MMAs: their accumulators stay zero.
        auto busy = scf::IfOp::create(b, loc, TypeRange(accIn), warpBusy,
                                      /*withElseRegion=*/true);
        b.setInsertionPointToStart(&busy.getElseRegion().front());
        scf::YieldOp::create(b, loc, accIn);
        b.setInsertionPointToStart(&busy.getThenRegion().front());
        SmallVector<Value> acc(accIn.begin(), accIn.end());
        auto mmaInto = [&](int64_t base, ValueRange a, ValueRange bv,
                           ArrayRef<int64_t> shape, NVVM::MMATypes type) {
          k.mma(acc, base, a, bv, shape, type);
        };
        if (useWgmma)
          acc[0] = wgmmaStep(acc[0]);
        else if (T.isF32())
          computeF32(stage, mmaInto);
        else
          for (int64_t ks = 0; ks < kBK; ks += 16) {
            SmallVector<SmallVector<Value>> a(kMT), bf(kNT);
            for (int64_t mt = 0; mt < kMT; ++mt) {
              Value f;
              if (L.transA) {
                // Matrices (m, k) blocks (0, 0), (8, 0), (0, 8), (8, 8):
                // lanes 8q .. 8q + 7 address the k rows of matrix q.
                Value q = lb.divui(lane, c8), r = lb.remui(lane, c8);
                Value kRow = lb.addi(lb.addi(kRowBase, lb.idx(ks)),
                                     lb.addi(lb.muli(lb.divui(q, c2), c8), r));
                Value m = lb.addi(lb.addi(warpRow, lb.idx(mt * 16)),
                                  lb.muli(lb.remui(q, c2), c8));
                f = nvgpu::LdMatrixOp::create(b, loc, frag, sA,
                                              ValueRange{stage, kRow, m},
                                              /*transpose=*/true, 4u);
              } else {
                Value row = lb.addi(lb.addi(warpRow, lb.idx(mt * 16)),
                                    lb.remui(lane, c16));
                Value col =
                    lb.addi(lb.idx(ks), lb.muli(lb.divui(lane, c16), c8));
                f = nvgpu::LdMatrixOp::create(b, loc, frag, sA,
                                              ValueRange{stage, row, col},
                                              /*transpose=*/false, 4u);
              }
              for (int64_t r = 0; r < 4; ++r)
                a[mt].push_back(pack(f, r));
            }
            for (int64_t np = 0; np < kNT / 2; ++np) {
              Value row = lb.addi(lb.idx(ks), lb.remui(lane, c16));
              // Lanes 0-15 address the rows of n8 tile 2 np, lanes 16-31
              // those of tile 2 np + 1.
              Value n = lb.addi(lb.addi(warpCol, lb.idx(np * 16)),
                                lb.muli(lb.divui(lane, c16), c8));
              Value f = nvgpu::LdMatrixOp::create(
                  b, loc, frag, sB, ValueRange{stage, row, tileCol(n, myHead)},
                  /*transpose=*/true, 4u);
              bf[2 * np] = {pack(f, 0), pack(f, 1)};
              bf[2 * np + 1] = {pack(f, 2), pack(f, 3)};
            }
            for (int64_t mt = 0; mt < kMT; ++mt)
              for (int64_t nt = 0; nt < kNT; ++nt)
                mmaInto((mt * kNT + nt) * 4, a[mt], bf[nt], {16, 8, 16},
                        ptxType);
          }
        if (threeTF32)
          forEachPair([&](Value row, Value col, int64_t a) {
            k.addPairInto(sAcc, row, col, acc[a], acc[a + 1]);
          });
        scf::YieldOp::create(b, loc, acc);
        b.setInsertionPointAfter(busy);
        // With wgmma the next tile's copies go out after the MMAs are
        // issued, so the two overlap.
        if (useWgmma)
          issueTile(lb.remui(next, cStages), lb.muli(next, cBK));
        SmallVector<Value> results(busy.getResults());
        llvm::append_range(results, masksNext);
        scf::YieldOp::create(b, loc, results);
      });
  // The accumulators of each thread, as mma.sync fragments.
  SmallVector<Value> accOut;
  if (useWgmma) {
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
    for (int64_t r = 0; r < kWgNT * 4; ++r)
      accOut.push_back(LLVM::ExtractValueOp::create(b, loc, loop.getResult(0),
                                                    ArrayRef<int64_t>{r}));
  } else {
    for (int64_t r = 0; r < numAcc; ++r)
      accOut.push_back(loop.getResult(r));
  }
  // Drain the last (zero-filling) copies, and let every warp finish its last
  // tile: the epilogue reuses the stages' bytes.
  nvgpu::DeviceAsyncWaitOp::create(
      b, loc,
      nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType, ValueRange{}),
      b.getI32IntegerAttr(0));
  gpu::BarrierOp::create(b, loc);

  // Epilogue, through the output tile in shared memory: the gate tile is
  // copied in with whole-row 16-byte pieces, each thread turns its
  // accumulators into sigmoid(gate) * acc in place, and the tile goes out in
  // 16-byte stores. Layouts whose gate or out rows are not 16-byte aligned
  // take element-wise copies instead. The dv GEMM writes its accumulators
  // and scales each 16-byte piece by msa_mask[b, s, j] on the way out.
  Value sC = memref::ViewOp::create(b, loc, smemC, dyn, lb.c0, ValueRange{});
  std::array<Value, 4> gateStrides;
  if (forward)
    gateStrides = {k.arg("gate_stride_b"), k.arg("gate_stride_s"),
                   k.arg("gate_stride_i"), k.arg("gate_stride_h")};
  auto alignedTo16 = [&](Value buffer, ArrayRef<Value> strides) {
    Value address =
        memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
    Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                     lb.remui(address, c16), lb.c0);
    for (Value stride : strides)
      ok = lb.andi(ok, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                             lb.remui(stride, cChunk), lb.c0));
    return ok;
  };
  Value vectorIO = alignedTo16(out, outStrides);
  if (forward)
    vectorIO = lb.andi(vectorIO, alignedTo16(gate, gateStrides));
  // A thread's chunks of the output tile and where they go, visited by a
  // loop (not unrolled: the addresses are not kept live next to the
  // accumulators).
  struct OutChunk {
    Value row, col, valid, gateAt, outAt, s, i;
  };
  auto outChunk = [&](Value q) {
    Value perRow = lb.idx(tileCols / L.chunk);
    Value row = lb.divui(q, perRow), col = lb.muli(lb.remui(q, perRow), cChunk);
    Column at = columnOf(col);
    Value i = lb.addi(i0, row);
    SmallVector<Value> clamped = {bIdx, k.minui(at.s, Sm1), k.minui(i, Rm1),
                                  k.minui(at.h, Hm1)};
    Value gateAt =
        forward ? lb.addi(lb.linearize(clamped, gateStrides), at.c) : Value();
    return OutChunk{row,
                    col,
                    lb.andi(at.valid, lb.ult(i, R)),
                    gateAt,
                    lb.addi(lb.linearize(clamped, outStrides), at.c),
                    clamped[1],
                    clamped[2]};
  };
  auto forEachOutChunk = [&](function_ref<void(const OutChunk &)> body) {
    lb.loop(lb.c0, lb.idx(BM * tileCols / L.chunk), lb.idx(threads),
            [&](Value q0) { body(outChunk(lb.addi(q0, tid))); });
  };
  auto ifElse = [&](Value cond, function_ref<void()> then,
                    function_ref<void()> otherwise) {
    scf::IfOp::create(
        b, loc, cond,
        [&](OpBuilder &, Location) {
          then();
          scf::YieldOp::create(b, loc);
        },
        [&](OpBuilder &, Location) {
          otherwise();
          scf::YieldOp::create(b, loc);
        });
  };
  if (forward)
    ifElse(
        vectorIO,
        [&] {
          forEachOutChunk([&](const OutChunk &o) {
            Value token = nvgpu::DeviceAsyncCopyOp::create(
                b, loc, tokenType, sC, ValueRange{o.row, o.col}, gate,
                ValueRange{o.gateAt}, b.getIndexAttr(L.chunk),
                k.select(o.valid, cChunk, lb.c0), b.getUnitAttr());
            nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType,
                                                    ValueRange{token});
          });
          nvgpu::DeviceAsyncWaitOp::create(
              b, loc,
              nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType,
                                                      ValueRange{}),
              b.getI32IntegerAttr(0));
        },
        [&] {
          forEachOutChunk([&](const OutChunk &o) {
            for (int64_t e = 0; e < L.chunk; ++e) {
              Value x =
                  scf::IfOp::create(
                      b, loc, o.valid,
                      [&](OpBuilder &, Location) {
                        scf::YieldOp::create(
                            b, loc,
                            ValueRange{memref::LoadOp::create(
                                b, loc, gate,
                                ValueRange{lb.addi(o.gateAt, lb.idx(e))})});
                      },
                      [&](OpBuilder &, Location) {
                        scf::YieldOp::create(
                            b, loc,
                            ValueRange{arith::ConstantOp::create(
                                b, loc, b.getZeroAttr(T))});
                      })
                      .getResult(0);
              memref::StoreOp::create(
                  b, loc, x, sC, ValueRange{o.row, lb.addi(o.col, lb.idx(e))});
            }
          });
        });
  gpu::BarrierOp::create(b, loc);

  // out = sigmoid(gate) * acc for this thread's two adjacent columns per
  // accumulator row, in place.
  auto pairType = VectorType::get({2}, T);
  int64_t pairAlign = 2 * L.elementBytes;
  forEachPair([&](Value row, Value col, int64_t a) {
    Value g = forward ? vector::LoadOp::create(b, loc, pairType, sC,
                                               ValueRange{row, col}, false,
                                               llvm::MaybeAlign(pairAlign))
                      : Value();
    Value sums = threeTF32 ? vector::LoadOp::create(b, loc, accPairType, sAcc,
                                                    ValueRange{row, col}, false,
                                                    llvm::MaybeAlign(8))
                           : Value();
    Value result = vector::BroadcastOp::create(
        b, loc, pairType, arith::ConstantOp::create(b, loc, b.getZeroAttr(T)));
    for (int64_t e = 0; e < 2; ++e) {
      Value x = threeTF32 ? vector::ExtractOp::create(b, loc, sums,
                                                      ArrayRef<int64_t>{e})
                                .getResult()
                          : accOut[a + e];
      if (forward) {
        Value ge = vector::ExtractOp::create(b, loc, g, ArrayRef<int64_t>{e});
        if (!T.isF32())
          ge = arith::ExtFOp::create(b, loc, f32, ge);
        x = lb.mul(k.sigmoid(ge), x);
      }
      if (!T.isF32())
        x = arith::TruncFOp::create(b, loc, T, x);
      result =
          vector::InsertOp::create(b, loc, x, result, ArrayRef<int64_t>{e});
    }
    vector::StoreOp::create(b, loc, result, sC, ValueRange{row, col}, false,
                            llvm::MaybeAlign(pairAlign));
  });
  gpu::BarrierOp::create(b, loc);

  auto chunkType = VectorType::get({L.chunk}, T);
  auto wideType = VectorType::get({L.chunk}, f32);
  forEachOutChunk([&](const OutChunk &o) {
    lb.ifThen(o.valid, [&] {
      Value x = vector::LoadOp::create(b, loc, chunkType, sC,
                                       ValueRange{o.row, o.col}, false,
                                       llvm::MaybeAlign(16));
      if (!forward) {
        // dv = msa_mask[b, s, j] * (P^T x dO'), j the output row.
        Value m =
            scf::IfOp::create(
                b, loc, hasMask,
                [&](OpBuilder &, Location) {
                  scf::YieldOp::create(
                      b, loc,
                      lb.load(mmask,
                              {lb.linearize({bIdx, o.s, o.i}, maskStrides)}));
                },
                [&](OpBuilder &, Location) {
                  scf::YieldOp::create(b, loc, lb.f32(1.0));
                })
                .getResult(0);
        Value wide = T.isF32() ? x : arith::ExtFOp::create(b, loc, wideType, x);
        wide = lb.mul(wide, vector::BroadcastOp::create(b, loc, wideType, m));
        x = T.isF32() ? wide : arith::TruncFOp::create(b, loc, chunkType, wide);
      }
      ifElse(
          vectorIO,
          [&] {
            vector::StoreOp::create(b, loc, x, out, ValueRange{o.outAt}, false,
                                    llvm::MaybeAlign(16));
          },
          [&] {
            for (int64_t e = 0; e < L.chunk; ++e)
              memref::StoreOp::create(
                  b, loc,
                  vector::ExtractOp::create(b, loc, x, ArrayRef<int64_t>{e}),
                  out, ValueRange{lb.addi(o.outAt, lb.idx(e))});
          });
    });
  });
  k.finish();
}

//===----------------------------------------------------------------------===//
// bwd_prep: dO', dgate and D in one pass
//===----------------------------------------------------------------------===//

/// One CTA per (b, i), one warp per head at a time; the lanes walk the
/// head's S * C elements (s, c) of row i: dO' = dout * sigmoid(gate) into
/// the dense scratch, dgate = dout * out * (1 - sigmoid(gate)), and
/// D[b, h, i] = sum_{s, c} dout * out reduced in a fixed order (lanes, then
/// a butterfly), so results are deterministic.
void buildPrepKernel(OpBuilder &b, Location loc, const ForwardVariant &v,
                     KernelInfo &info) {
  Type T = v.dataType, f32 = b.getF32Type(), index = b.getIndexType();
  auto buf = [&](Type t) { return MemRefType::get({1}, t); };
  std::vector<std::pair<std::string, Type>> params = {
      {"dout", buf(T)},  {"gate", buf(T)},    {"out", buf(T)}, {"dop", buf(T)},
      {"dgate", buf(T)}, {"delta", buf(f32)}, {"B", index},    {"S", index},
      {"R", index},      {"H", index}};
  for (std::string t : {"dout", "gate", "out", "dgate"})
    for (std::string d : {"b", "s", "i", "h"})
      params.push_back({t + "_stride_" + d, index});
  Kernel k(b, loc,
           "msa_pwa_bwd_prep_" + kindName(v) + "_c" + std::to_string(v.headDim),
           kProbsThreads, params, info);
  for (StringRef input : {"dout", "gate", "out"})
    k.readOnly(k.argIndex(input));
  info.grid = {"R", "B", "1"};
  LoopBuilder &lb = *k.lb;
  Value S = k.arg("S"), R = k.arg("R"), H = k.arg("H");
  Value C = lb.idx(v.headDim);
  Value i = k.bid(gpu::Dimension::x), bIdx = k.bid(gpu::Dimension::y);
  Value tid = k.tid();
  Value c32 = lb.idx(kWarpSize);
  Value warp = lb.divui(tid, c32), lane = lb.remui(tid, c32);
  auto strides = [&](StringRef t) {
    return SmallVector<Value>{
        k.arg((t + "_stride_b").str()), k.arg((t + "_stride_s").str()),
        k.arg((t + "_stride_i").str()), k.arg((t + "_stride_h").str())};
  };
  SmallVector<Value> doutS = strides("dout"), gateS = strides("gate"),
                     outS = strides("out"), dgateS = strides("dgate");
  Value hc = lb.muli(H, C), rhc = lb.muli(R, hc);
  SmallVector<Value> dopS = {lb.muli(S, rhc), rhc, hc, C};
  // Where every row piece is 16-byte aligned (the usual layouts), each
  // lane moves `vec` channels (16 bytes) per access; otherwise one element.
  const int64_t eb = T.isF32() ? 4 : 2, vec = 16 / eb;
  Value cVec = lb.idx(vec), c16 = lb.idx(16);
  Value aligned;
  {
    Value ok;
    for (StringRef t : {"dout", "gate", "out", "dgate"}) {
      Value address =
          memref::ExtractAlignedPointerAsIndexOp::create(b, loc, k.arg(t));
      Value fine = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         lb.remui(address, c16), lb.c0);
      for (Value st : strides(t))
        fine = lb.andi(fine,
                       arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                             lb.remui(st, cVec), lb.c0));
      ok = ok ? lb.andi(ok, fine) : fine;
    }
    aligned = ok;
  }
  // sigmoid(g) = 1 / (1 + e) and 1 - sigmoid(g) = e / (1 + e) with e =
  // 2^(-g log2 e): no cancellation for large g. Returns dout * out.
  auto element = [&](Value dout, Value out, Value g, Value &dop, Value &dgate) {
    // rcp.approx (1 ulp) on 1 + e >= 1: no denormals to flush, and no
    // division subroutine in the unrolled loop.
    Value e = k.exp2(lb.mul(g, lb.f32(-kLog2e)));
    Value inv =
        NVVM::RcpApproxFtzF32Op::create(b, loc, f32, lb.add(lb.f32(1.0), e));
    dop = lb.mul(dout, inv);
    Value dy = lb.mul(dout, out);
    dgate = lb.mul(dy, lb.mul(e, inv));
    return dy;
  };
  auto vecType = VectorType::get({vec}, T);
  lb.loop(warp, H, lb.idx(kProbsThreads / kWarpSize), [&](Value h) {
    auto at = [&](ArrayRef<Value> st, Value s, Value c) {
      return lb.addi(lb.linearize({bIdx, s, i, h}, st), c);
    };
    auto vectorSum = [&]() {
      Value pieces = lb.idx(v.headDim / vec);
      return lb.reduce(
          lane, lb.muli(S, pieces), c32, lb.f32(0.0), [&](Value q, Value acc) {
            Value s = lb.divui(q, pieces);
            Value c = lb.muli(lb.remui(q, pieces), cVec);
            auto load = [&](StringRef t, ArrayRef<Value> st) {
              return vector::LoadOp::create(b, loc, vecType, k.arg(t),
                                            ValueRange{at(st, s, c)}, false,
                                            llvm::MaybeAlign(16))
                  .getResult();
            };
            Value dout = load("dout", doutS), out = load("out", outS),
                  g = load("gate", gateS);
            SmallVector<Value> dops, dgates;
            for (int64_t x = 0; x < vec; ++x) {
              auto part = [&](Value w) -> Value {
                Value e =
                    vector::ExtractOp::create(b, loc, w, ArrayRef<int64_t>{x});
                return T.isF32() ? e : arith::ExtFOp::create(b, loc, f32, e);
              };
              Value dop, dgate;
              acc = lb.add(acc,
                           element(part(dout), part(out), part(g), dop, dgate));
              auto narrow = [&](Value y) -> Value {
                return T.isF32() ? y : arith::TruncFOp::create(b, loc, T, y);
              };
              dops.push_back(narrow(dop));
              dgates.push_back(narrow(dgate));
            }
            vector::StoreOp::create(
                b, loc, vector::FromElementsOp::create(b, loc, vecType, dops),
                k.arg("dop"), ValueRange{at(dopS, s, c)}, false,
                llvm::MaybeAlign(16));
            vector::StoreOp::create(
                b, loc, vector::FromElementsOp::create(b, loc, vecType, dgates),
                k.arg("dgate"), ValueRange{at(dgateS, s, c)}, false,
                llvm::MaybeAlign(16));
            return acc;
          });
    };
    auto scalarSum = [&]() {
      return lb.reduce(
          lane, lb.muli(S, C), c32, lb.f32(0.0), [&](Value q, Value acc) {
            Value s = lb.divui(q, C), c = lb.remui(q, C);
            Value dop, dgate;
            Value dy =
                element(lb.load(k.arg("dout"), {at(doutS, s, c)}),
                        lb.load(k.arg("out"), {at(outS, s, c)}),
                        lb.load(k.arg("gate"), {at(gateS, s, c)}), dop, dgate);
            lb.store(dop, k.arg("dop"), {at(dopS, s, c)});
            lb.store(dgate, k.arg("dgate"), {at(dgateS, s, c)});
            return lb.add(acc, dy);
          });
    };
    auto pick = scf::IfOp::create(b, loc, TypeRange{f32}, aligned,
                                  /*withElseRegion=*/true);
    b.setInsertionPointToStart(&pick.getThenRegion().front());
    scf::YieldOp::create(b, loc, vectorSum());
    b.setInsertionPointToStart(&pick.getElseRegion().front());
    scf::YieldOp::create(b, loc, scalarSum());
    b.setInsertionPointAfter(pick);
    Value sum = pick.getResult(0);
    sum = k.warpReduce(sum, /*isMax=*/false);
    lb.ifThen(lb.ult(lane, lb.c1), [&] {
      lb.store(sum, k.arg("delta"),
               {lb.addi(lb.muli(lb.addi(lb.muli(bIdx, H), h), R), i)});
    });
  });
  k.finish();
}

//===----------------------------------------------------------------------===//
// bwd_dbias: dW = dO' x v'^T with dbias = P * (dW - D) in the epilogue
//===----------------------------------------------------------------------===//

/// Per (b, h) the GEMM dW[i, j] = sum_{s, c} dO'[s, i, c] v'[s, j, c]: M = R
/// (i), N = R (j), K = S*C. 128x128 CTA tiles of 8 warps, the cp.async
/// pipeline of the forward with both operand
/// tiles k-contiguous ([m][k] and [n][k]), the msa mask applied to the v
/// tile (values loaded one K step ahead). The epilogue reads P and D and
/// writes dbias = P * (dW - D[i]) for its rows and columns below R.
void buildDbiasKernel(OpBuilder &b, Location loc, const ForwardVariant &v,
                      KernelInfo &info) {
  Type T = v.dataType, f32 = b.getF32Type(), index = b.getIndexType();
  MLIRContext *ctx = b.getContext();
  auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  const GemmLayout L = v.dataType.isF32() ? kLayout32 : kLayout16;
  const int64_t kStages = L.stages, kBK = L.bk;
  // Both tiles are [rows][k]: rows of BK + padA elements, as the forward's
  // P tile.
  auto tileType = MemRefType::get({kStages, kBM, kBK + L.padA}, T,
                                  MemRefLayoutAttrInterface{}, wg);
  int64_t tileBytes = kStages * kBM * (kBK + L.padA) * L.elementBytes;
  auto buf = [&](Type t) { return MemRefType::get({1}, t); };
  std::vector<std::pair<std::string, Type>> params = {{"probs", buf(T)},
                                                      {"delta", buf(f32)},
                                                      {"dop", buf(T)},
                                                      {"v", buf(T)},
                                                      {"msa_mask", buf(T)},
                                                      {"dbias", buf(T)},
                                                      {"B", index},
                                                      {"S", index},
                                                      {"R", index},
                                                      {"H", index},
                                                      {"Rp", index},
                                                      {"v_stride_b", index},
                                                      {"v_stride_s", index},
                                                      {"v_stride_j", index},
                                                      {"v_stride_h", index},
                                                      {"mask_stride_b", index},
                                                      {"mask_stride_s", index},
                                                      {"mask_stride_j", index},
                                                      {"dbias_stride_b", index},
                                                      {"dbias_stride_i", index},
                                                      {"dbias_stride_j", index},
                                                      {"dbias_stride_h", index},
                                                      {"has_msa_mask", index}};
  Kernel k(b, loc,
           "msa_pwa_bwd_dbias_" + kindName(v) + "_c" +
               std::to_string(v.headDim),
           kGemmThreads, params, info);
  for (StringRef input : {"probs", "delta", "dop", "v", "msa_mask"})
    k.readOnly(k.argIndex(input));
  // One CTA per SM: its per-K-step addressing (s and c of every chunk)
  // does not fit next to the accumulators in 128 registers.
  k.func->setAttr("nvvm.minctasm", b.getI32IntegerAttr(1));
  info.grid = {"B*H", "ceil(R/" + std::to_string(kBM) + ")",
               "ceil(R/" + std::to_string(kBN) + ")"};
  // In ieee mode (3xTF32) the accumulators are added into an f32 tile in
  // shared memory after every K step and restart from zero: each tensor-core
  // accumulation chain stays short (K = S*C reaches thousands, and long
  // chains lose low-order bits at every step), and the running sums are
  // IEEE f32 additions.
  const bool threeTF32 = T.isF32() && !v.tf32;
  constexpr int64_t kPadDW = 8; // 136-word rows: pairs land 8 banks apart
  auto dwType = MemRefType::get({kBM, kBN + kPadDW}, f32,
                                MemRefLayoutAttrInterface{}, wg);
  const int64_t dwBytes = kBM * (kBN + kPadDW) * 4;
  info.dynamicSharedBytes = 2 * tileBytes + (threeTF32 ? dwBytes : 0);
  LoopBuilder &lb = *k.lb;
  Value S = k.arg("S"), R = k.arg("R"), H = k.arg("H"), Rp = k.arg("Rp");
  Value C = lb.idx(v.headDim);
  Value hasMask = k.isNonZero(k.arg("has_msa_mask"));
  Value dyn = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface{}, wg));
  Value sA = memref::ViewOp::create(b, loc, tileType, dyn, lb.c0, ValueRange{});
  Value sB = memref::ViewOp::create(b, loc, tileType, dyn, lb.idx(tileBytes),
                                    ValueRange{});
  Value tid = k.tid();
  Value c32 = lb.idx(kWarpSize), c8 = lb.idx(8), c16 = lb.idx(16),
        c4 = lb.idx(4), c2 = lb.idx(2);
  Value warp = lb.divui(tid, c32), lane = lb.remui(tid, c32);
  Value wm = lb.divui(warp, lb.idx(kWarpsN)),
        wn = lb.remui(warp, lb.idx(kWarpsN));
  Value bh = k.bid(gpu::Dimension::x);
  Value bIdx = lb.divui(bh, H), h = lb.remui(bh, H);
  Value i0 = lb.muli(k.bid(gpu::Dimension::y), lb.idx(kBM));
  Value j0 = lb.muli(k.bid(gpu::Dimension::z), lb.idx(kBN));
  Value Rm1 = arith::SubIOp::create(b, loc, R, lb.c1);
  // S = 0 (no K steps) must not wrap the clamp below.
  Value Sm1 = arith::SubIOp::create(
      b, loc, arith::MaxUIOp::create(b, loc, S, lb.c1), lb.c1);
  Value cChunk = lb.idx(L.chunk);
  Value K = lb.muli(S, C);
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(ctx);
  Value hc = lb.muli(H, C), rhc = lb.muli(R, hc);
  SmallVector<Value> dopS = {lb.muli(S, rhc), rhc, hc};
  SmallVector<Value> vS = {k.arg("v_stride_b"), k.arg("v_stride_s"),
                           k.arg("v_stride_j"), k.arg("v_stride_h")};
  SmallVector<Value> maskS = {k.arg("mask_stride_b"), k.arg("mask_stride_s"),
                              k.arg("mask_stride_j")};

  // Chunk q of a [128][BK] tile: row q / (BK / chunk), k offset col; k =
  // k0 + col gives s = k / C, c = k % C (a chunk never straddles two s: C
  // is a multiple of 8). Its source row is i of dO' or j of v. Recomputed
  // at each use from the thread index (a few integer operations) rather
  // than kept live next to the accumulators.
  struct Copy {
    Value row, col, rowValid, base, rowIndex;
  };
  SmallVector<int64_t> copyIds;
  for (int64_t q = 0; q < kBM * kBK / L.chunk; q += kGemmThreads)
    copyIds.push_back(q);
  // dO' is dense [B, S, R, H, C]: offset b*S*R*H*C + s*R*H*C + i*H*C + h*C.
  auto copyOf = [&](int64_t q, bool isV) {
    Value id = lb.addi(tid, lb.idx(q));
    Value perRow = lb.idx(kBK / L.chunk);
    Value row = lb.divui(id, perRow);
    Value col = lb.muli(lb.remui(id, perRow), cChunk);
    Value r = lb.addi(isV ? j0 : i0, row);
    Value base =
        isV ? lb.linearize({bIdx, k.minui(r, Rm1), h}, {vS[0], vS[2], vS[3]})
            : lb.linearize({bIdx, k.minui(r, Rm1), h}, {dopS[0], hc, C});
    return Copy{row, col, lb.ult(r, R), base, r};
  };
  auto vCopies = [&] {
    SmallVector<Copy> copies;
    for (int64_t q : copyIds)
      copies.push_back(copyOf(q, true));
    return copies;
  };
  Value sStrideV = vS[1];
  auto issueTile = [&](Value stage, Value k0) {
    SmallVector<Value> tokens;
    auto copy = [&](const Copy &c, Value dst, Value src, Value sStride) {
      Value kk = lb.addi(k0, c.col);
      Value s = lb.divui(kk, C), ch = lb.remui(kk, C);
      Value valid = lb.andi(c.rowValid, lb.ult(s, S));
      Value at =
          lb.addi(lb.addi(c.base, lb.muli(k.minui(s, Sm1), sStride)), ch);
      tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, tokenType, dst, ValueRange{stage, c.row, c.col}, src,
          ValueRange{at}, b.getIndexAttr(L.chunk),
          k.select(valid, cChunk, lb.c0), b.getUnitAttr()));
    };
    for (int64_t q : copyIds)
      copy(copyOf(q, false), sA, k.arg("dop"), rhc);
    for (int64_t q : copyIds)
      copy(copyOf(q, true), sB, k.arg("v"), sStrideV);
    return nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType, tokens);
  };
  // v' = v * msa_mask[b, s, j]: one value per v chunk, loaded a K step
  // ahead; out-of-range chunks hold zeros.
  auto maskValues = [&](Value k0) {
    SmallVector<Value> values;
    for (const Copy &c : vCopies()) {
      Value s = lb.divui(lb.addi(k0, c.col), C);
      Value inRange = lb.andi(hasMask, lb.andi(c.rowValid, lb.ult(s, S)));
      values.push_back(
          scf::IfOp::create(
              b, loc, inRange,
              [&](OpBuilder &, Location) {
                scf::YieldOp::create(
                    b, loc,
                    lb.load(k.arg("msa_mask"),
                            {lb.linearize({bIdx, s, c.rowIndex}, maskS)}));
              },
              [&](OpBuilder &, Location) {
                scf::YieldOp::create(b, loc, lb.f32(0.0));
              })
              .getResult(0));
    }
    return values;
  };
  auto maskTile = [&](Value stage, ValueRange values) {
    for (auto [c, m] : llvm::zip(vCopies(), values))
      k.scaleChunk(sB, ValueRange{stage, c.row, c.col}, m, L.chunk);
  };

  auto frag = VectorType::get({4, 2}, T);
  auto pack = [&](Value fragment, int64_t r) {
    return k.fragmentRegister(fragment, r);
  };
  NVVM::MMATypes ptxType =
      T.isBF16() ? NVVM::MMATypes::bf16 : NVVM::MMATypes::f16;
  constexpr int64_t kMT = kWarpTileM / 16, kNT = kWarpTileN / 8;
  Value warpRow = lb.muli(wm, lb.idx(kWarpTileM));
  Value warpCol = lb.muli(wn, lb.idx(kWarpTileN));
  Value warpBusy =
      lb.andi(lb.ult(lb.addi(i0, warpRow), R), lb.ult(lb.addi(j0, warpCol), R));
  Value group = lb.divui(lane, c4), thread = lb.remui(lane, c4);

  // This thread's accumulator pairs: (row, column) in the CTA tile and the
  // index of the first of the pair.
  Value pair = lb.muli(thread, c2);
  auto forEachPair = [&](function_ref<void(Value, Value, int64_t)> fn) {
    for (int64_t mt = 0; mt < kMT; ++mt)
      for (int64_t nt = 0; nt < kNT; ++nt)
        for (int64_t half = 0; half < 2; ++half)
          fn(lb.addi(warpRow, lb.addi(lb.idx(mt * 16 + half * 8), group)),
             lb.addi(lb.addi(warpCol, lb.idx(nt * 8)), pair),
             (mt * kNT + nt) * 4 + half * 2);
  };
  auto pairType = VectorType::get({2}, f32);
  Value sTotal;
  if (threeTF32) {
    sTotal = memref::ViewOp::create(b, loc, dwType, dyn, lb.idx(2 * tileBytes),
                                    ValueRange{});
    forEachPair(
        [&](Value row, Value col, int64_t) { k.zeroPair(sTotal, row, col); });
  }

  const int64_t numAcc = kMT * kNT * 4;
  SmallVector<Value> loopInit(numAcc, lb.f32(0.0));
  llvm::append_range(loopInit, maskValues(lb.c0));
  Value numK = lb.divui(lb.addi(K, lb.idx(kBK - 1)), lb.idx(kBK));
  Value cBK = lb.idx(kBK), cStages = lb.idx(kStages);
  // With S = 0 there is no K step and nothing is copied (dop and v may be
  // empty): dW is 0 and dbias = P * (0 - D) = 0.
  Value prologue;
  auto anyK = scf::IfOp::create(b, loc, tokenType, lb.ult(lb.c0, numK),
                                /*withElseRegion=*/true);
  b.setInsertionPointToStart(&anyK.getThenRegion().front());
  Value last;
  for (int64_t t = 0; t + 1 < kStages; ++t)
    last = issueTile(lb.idx(t), lb.idx(t * kBK));
  scf::YieldOp::create(b, loc, last);
  b.setInsertionPointToStart(&anyK.getElseRegion().front());
  scf::YieldOp::create(
      b, loc,
      nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType, ValueRange{})
          .getResult());
  b.setInsertionPointAfter(anyK);
  prologue = anyK.getResult(0);
  auto loop = scf::ForOp::create(
      b, loc, lb.c0, numK, lb.c1, loopInit,
      [&](OpBuilder &, Location, Value kt, ValueRange args) {
        ValueRange accIn = args.take_front(numAcc),
                   masksIn = args.drop_front(numAcc);
        Value stage = lb.remui(kt, cStages);
        Value next = lb.addi(kt, lb.idx(kStages - 1));
        // As in the forward: wait for tile kt (one group per tile), one
        // barrier, refill the stage of tile kt - 1.
        nvgpu::DeviceAsyncWaitOp::create(b, loc, prologue,
                                         b.getI32IntegerAttr(kStages - 2));
        gpu::BarrierOp::create(b, loc);
        issueTile(lb.remui(next, cStages), lb.muli(next, cBK));
        SmallVector<Value> masksNext =
            maskValues(lb.muli(lb.addi(kt, lb.c1), cBK));
        lb.ifThen(hasMask, [&] {
          maskTile(stage, masksIn);
          gpu::BarrierOp::create(b, loc);
        });
        auto busy = scf::IfOp::create(b, loc, TypeRange(accIn), warpBusy,
                                      /*withElseRegion=*/true);
        b.setInsertionPointToStart(&busy.getElseRegion().front());
        scf::YieldOp::create(b, loc, accIn);
        b.setInsertionPointToStart(&busy.getThenRegion().front());
        SmallVector<Value> acc(accIn.begin(), accIn.end());
        auto mmaInto = [&](int64_t base, ValueRange a, ValueRange bv,
                           ArrayRef<int64_t> shape, NVVM::MMATypes type) {
          k.mma(acc, base, a, bv, shape, type);
        };
        if (T.isF32()) {
          // a (m = g / g + 8, k = t / t + 4) from [m][k]; b (k = t / t + 4,
          // n = g) from [n][k]. 3xTF32 in ieee mode, as in the forward.
          for (int64_t ks = 0; ks < kBK; ks += 8) {
            auto operand = [&](Value tile, Value r, Value c,
                               SmallVector<Value> &big,
                               SmallVector<Value> &small) {
              k.tf32Operand(
                  memref::LoadOp::create(b, loc, tile, ValueRange{stage, r, c}),
                  !v.tf32, big, small);
            };
            SmallVector<SmallVector<Value>> aBig(kMT), aSmall(kMT);
            Value k0 = lb.addi(lb.idx(ks), thread), k1 = lb.addi(k0, c4);
            for (int64_t mt = 0; mt < kMT; ++mt) {
              Value r0 = lb.addi(lb.addi(warpRow, lb.idx(mt * 16)), group);
              Value r1 = lb.addi(r0, c8);
              for (auto [r, c] : {std::pair<Value, Value>{r0, k0},
                                  {r1, k0},
                                  {r0, k1},
                                  {r1, k1}})
                operand(sA, r, c, aBig[mt], aSmall[mt]);
            }
            for (int64_t nt = 0; nt < kNT; ++nt) {
              SmallVector<Value> bBig, bSmall;
              Value n = lb.addi(lb.addi(warpCol, lb.idx(nt * 8)), group);
              operand(sB, n, k0, bBig, bSmall);
              operand(sB, n, k1, bBig, bSmall);
              for (int64_t mt = 0; mt < kMT; ++mt) {
                int64_t base = (mt * kNT + nt) * 4;
                if (!v.tf32) {
                  mmaInto(base, aBig[mt], bSmall, {16, 8, 8},
                          NVVM::MMATypes::tf32);
                  mmaInto(base, aSmall[mt], bBig, {16, 8, 8},
                          NVVM::MMATypes::tf32);
                }
                mmaInto(base, aBig[mt], bBig, {16, 8, 8}, NVVM::MMATypes::tf32);
              }
            }
          }
        } else {
          for (int64_t ks = 0; ks < kBK; ks += 16) {
            SmallVector<SmallVector<Value>> a(kMT), bf(kNT);
            for (int64_t mt = 0; mt < kMT; ++mt) {
              Value row = lb.addi(lb.addi(warpRow, lb.idx(mt * 16)),
                                  lb.remui(lane, c16));
              Value col = lb.addi(lb.idx(ks), lb.muli(lb.divui(lane, c16), c8));
              Value f = nvgpu::LdMatrixOp::create(b, loc, frag, sA,
                                                  ValueRange{stage, row, col},
                                                  /*transpose=*/false, 4u);
              for (int64_t r = 0; r < 4; ++r)
                a[mt].push_back(pack(f, r));
            }
            for (int64_t np = 0; np < kNT / 2; ++np) {
              // Matrices (n, k) blocks (0, 0), (0, 8), (8, 0), (8, 8): the
              // b0, b1 of n8 tile 2 np, then of 2 np + 1.
              Value q = lb.divui(lane, c8), r = lb.remui(lane, c8);
              Value n = lb.addi(lb.addi(warpCol, lb.idx(np * 16)),
                                lb.addi(lb.muli(lb.divui(q, c2), c8), r));
              Value kc = lb.addi(lb.idx(ks), lb.muli(lb.remui(q, c2), c8));
              Value f = nvgpu::LdMatrixOp::create(b, loc, frag, sB,
                                                  ValueRange{stage, n, kc},
                                                  /*transpose=*/false, 4u);
              bf[2 * np] = {pack(f, 0), pack(f, 1)};
              bf[2 * np + 1] = {pack(f, 2), pack(f, 3)};
            }
            for (int64_t mt = 0; mt < kMT; ++mt)
              for (int64_t nt = 0; nt < kNT; ++nt)
                mmaInto((mt * kNT + nt) * 4, a[mt], bf[nt], {16, 8, 16},
                        ptxType);
          }
        }
        if (threeTF32)
          forEachPair([&](Value row, Value col, int64_t a) {
            k.addPairInto(sTotal, row, col, acc[a], acc[a + 1]);
          });
        scf::YieldOp::create(b, loc, acc);
        b.setInsertionPointAfter(busy);
        SmallVector<Value> results(busy.getResults());
        llvm::append_range(results, masksNext);
        scf::YieldOp::create(b, loc, results);
      });
  nvgpu::DeviceAsyncWaitOp::create(
      b, loc,
      nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType, ValueRange{}),
      b.getI32IntegerAttr(0));

  // Epilogue: dbias[b, i, j, h] = P[b, h, i, j] * (dW[i, j] - D[b, h, i]).
  // The accumulators go to an f32 tile in the (drained) stage memory; a
  // loop over the tile then reads P row-contiguously and writes dbias, so
  // no address arithmetic is live next to the accumulators.
  gpu::BarrierOp::create(b, loc);
  static_assert(kBM * (kBN + kPadDW) * 4 <= 2 * 4 * kBM * (32 + 8) * 2,
                "the dW tile fits in the 16-bit stages");
  Value sDW = sTotal;
  if (!threeTF32) {
    sDW = memref::ViewOp::create(b, loc, dwType, dyn, lb.c0, ValueRange{});
    forEachPair([&](Value row, Value col, int64_t a) {
      Value x = vector::FromElementsOp::create(
          b, loc, pairType,
          ValueRange{loop.getResult(a), loop.getResult(a + 1)});
      vector::StoreOp::create(b, loc, x, sDW, ValueRange{row, col}, false,
                              llvm::MaybeAlign(8));
    });
  }
  gpu::BarrierOp::create(b, loc);
  SmallVector<Value> dbiasS = {k.arg("dbias_stride_b"), k.arg("dbias_stride_i"),
                               k.arg("dbias_stride_j"),
                               k.arg("dbias_stride_h")};
  lb.loop(tid, lb.idx(kBM * kBN), lb.idx(kGemmThreads), [&](Value e) {
    Value r = lb.divui(e, lb.idx(kBN)), c = lb.remui(e, lb.idx(kBN));
    Value i = lb.addi(i0, r), j = lb.addi(j0, c);
    lb.ifThen(lb.andi(lb.ult(i, R), lb.ult(j, R)), [&] {
      Value row = lb.addi(lb.muli(bh, R), i);
      Value p = lb.load(k.arg("probs"), {lb.addi(lb.muli(row, Rp), j)});
      Value dw = memref::LoadOp::create(b, loc, sDW, ValueRange{r, c});
      Value d = lb.load(k.arg("delta"), {row});
      lb.store(lb.mul(p, lb.sub(dw, d)), k.arg("dbias"),
               {lb.linearize({bIdx, i, j, h}, dbiasS)});
    });
  });
  k.finish();
}

} // namespace

std::string ForwardVariant::name() const {
  return "msa_pwa_fwd_" + kindName(*this) + "_c" + std::to_string(headDim) +
         "_" + chip;
}

ForwardTiles mlir::msa::forwardTiles(const ForwardVariant &variant) {
  GemmLayout layout = gemmLayout(variant);
  return {layout.bm(), kBN, layout.bk, layout.heads};
}

std::string mlir::msa::checkForwardVariant(const ForwardVariant &variant) {
  if (!variant.dataType || !isSupportedDataType(variant.dataType))
    return "the GPU forward supports bf16, f16 and f32 data";
  if (variant.tf32 && !variant.dataType.isF32())
    return "precision tf32 applies only to f32 data";
  if (!llvm::is_contained({8, 16, 32, 64}, variant.headDim))
    return "head dimension C must be 8, 16, 32 or 64, got " +
           std::to_string(variant.headDim);
  if (variant.chip != "sm_80" && variant.chip != "sm_90a")
    return "chip must be sm_80 or sm_90a, got '" + variant.chip + "'";
  if (variant.wgmma && variant.chip != "sm_90a")
    return "wgmma needs chip sm_90a, got '" + variant.chip + "'";
  if (variant.wgmma && variant.dataType.isF32())
    return "wgmma applies to bf16 and f16 (f32 uses mma.sync tf32)";
  return "";
}

namespace {
/// An empty gpu.module named `name` for `variant`'s chip at the end of
/// `module`, with the builder positioned in it.
gpu::GPUModuleOp createKernelModule(OpBuilder &b, ModuleOp module,
                                    const ForwardVariant &variant,
                                    StringRef name) {
  MLIRContext *ctx = module.getContext();
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  b.getUnitAttr());
  b.setInsertionPointToEnd(module.getBody());
  // The chip decides the target; sm_90a is also where wgmma + TMA kernels
  // will be selected once they exist (today both chips get mma.sync).
  auto target = NVVM::NVVMTargetAttr::get(
      ctx, /*optLevel=*/3, "nvptx64-nvidia-cuda", variant.chip, "+ptx80");
  auto gm = gpu::GPUModuleOp::create(b, module.getLoc(), name,
                                     b.getArrayAttr({target}));
  b.setInsertionPointToStart(gm.getBody());
  return gm;
}
} // namespace

std::vector<KernelInfo>
mlir::msa::buildForwardKernels(ModuleOp module, const ForwardVariant &variant) {
  OpBuilder b(module.getContext());
  Location loc = module.getLoc();
  gpu::GPUModuleOp gm = createKernelModule(b, module, variant, variant.name());
  std::vector<KernelInfo> kernels(2);
  buildProbsKernel(b, loc, variant, kernels[0]);
  b.setInsertionPointToEnd(gm.getBody());
  buildGemmKernel(b, loc, variant, GemmRole::Forward, kernels[1]);
  return kernels;
}

int64_t mlir::msa::dbiasTileSize() {
  static_assert(kBM == kBN, "square dbias tiles");
  return kBM;
}

std::string mlir::msa::backwardVariantName(const ForwardVariant &variant) {
  return "msa_pwa_bwd_" + kindName(variant) + "_c" +
         std::to_string(variant.headDim) + "_" + variant.chip;
}

std::vector<KernelInfo>
mlir::msa::buildBackwardKernels(ModuleOp module,
                                const ForwardVariant &variant) {
  OpBuilder b(module.getContext());
  Location loc = module.getLoc();
  gpu::GPUModuleOp gm =
      createKernelModule(b, module, variant, backwardVariantName(variant));
  std::vector<KernelInfo> kernels(4);
  buildProbsKernel(b, loc, variant, kernels[0]);
  b.setInsertionPointToEnd(gm.getBody());
  buildPrepKernel(b, loc, variant, kernels[1]);
  b.setInsertionPointToEnd(gm.getBody());
  buildGemmKernel(b, loc, variant, GemmRole::BackwardDV, kernels[2]);
  b.setInsertionPointToEnd(gm.getBody());
  buildDbiasKernel(b, loc, variant, kernels[3]);
  return kernels;
}
