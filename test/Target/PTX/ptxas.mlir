// Every shipped forward variant assembles with ptxas for its chip, with no
// register spills, and carries the instructions that matter.
// REQUIRES: ptxas

// RUN: rm -rf %t && msa-codegen --all -o %t > %t.list
// RUN: FileCheck %s --check-prefix=LIST < %t.list
// LIST-COUNT-128: wrote

// RUN: FileCheck %s --check-prefix=PTX80 < %t/msa_pwa_fwd_bf16_c64_sm_80.ptx
// PTX80: .target sm_80
// PTX80: .extern .shared .align 16 .b8 __dynamic_shmem__0[];
// PTX80-DAG: .visible .entry msa_pwa_probs_bf16(
// PTX80-DAG: .visible .entry msa_pwa_fwd_bf16_c64(
// PTX80-DAG: cp.async.cg.shared.global
// PTX80-DAG: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX80-DAG: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// PTX80-DAG: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// PTX80-DAG: ex2.approx.f32

// The backward: probabilities, the prep pass (warp sums), the dv GEMM
// (P^T through ldmatrix.trans) and the dbias GEMM.
// RUN: FileCheck %s --check-prefix=BWD < %t/msa_pwa_bwd_bf16_c32_sm_90a.ptx
// BWD: .target sm_90a
// BWD-DAG: .visible .entry msa_pwa_probs_bf16(
// BWD-DAG: .visible .entry msa_pwa_bwd_prep_bf16_c32(
// BWD-DAG: .visible .entry msa_pwa_bwd_dv_bf16_c32(
// BWD-DAG: .visible .entry msa_pwa_bwd_dbias_bf16_c32(
// BWD-DAG: shfl.sync.bfly.b32
// BWD-DAG: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// BWD-DAG: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// RUN: FileCheck %s --check-prefix=BWDJSON < %t/msa_pwa_bwd_bf16_c32_sm_90a.json
// BWDJSON: "entry": "msa_pwa_probs_bf16",
// BWDJSON: "entry": "msa_pwa_bwd_prep_bf16_c32",
// BWDJSON-NEXT: "grid": [
// BWDJSON-NEXT: "R",
// BWDJSON-NEXT: "B",
// BWDJSON: "entry": "msa_pwa_bwd_dv_bf16_c32",
// BWDJSON-NEXT: "grid": [
// BWDJSON-NEXT: "B*H",
// BWDJSON-NEXT: "ceil(R/256)",
// BWDJSON-NEXT: "ceil(S*C/128)"
// BWDJSON: "entry": "msa_pwa_bwd_dbias_bf16_c32",
// BWDJSON-NEXT: "grid": [
// BWDJSON-NEXT: "B*H",
// BWDJSON-NEXT: "ceil(R/128)",
// BWDJSON-NEXT: "ceil(R/128)"
// BWDJSON: "name": "msa_pwa_bwd_bf16_c32_sm_90a",
// BWDJSON-NEXT: "op": "backward",
// BWDJSON: "name": "probs",
// BWDJSON: "name": "dop",
// BWDJSON: "name": "delta",

// RUN: FileCheck %s --check-prefix=PTX90 < %t/msa_pwa_fwd_f16_c8_sm_90a.ptx
// PTX90: .target sm_90a
// PTX90: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32

// f32 data: tf32 MMAs on operands rounded with cvt.rna (3xTF32 in ieee mode).
// RUN: FileCheck %s --check-prefix=F32 < %t/msa_pwa_fwd_f32_c32_sm_80.ptx
// RUN: FileCheck %s --check-prefix=F32 < %t/msa_pwa_fwd_tf32_c32_sm_80.ptx
// F32-DAG: .visible .entry msa_pwa_probs_f32(
// F32-DAG: cvt.rna.tf32.f32
// F32-DAG: mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32
// RUN: FileCheck %s --check-prefix=PREC-IEEE < %t/msa_pwa_fwd_f32_c32_sm_80.json
// PREC-IEEE: "precision": "ieee"
// RUN: FileCheck %s --check-prefix=PREC-TF32 < %t/msa_pwa_fwd_tf32_c32_sm_80.json
// PREC-TF32: "precision": "tf32"

// RUN: for f in %t/*_sm_80.ptx; do %ptxas -arch=sm_80 -v $f -o %t/a.cubin || exit 1; done 2> %t/sm80.log
// RUN: FileCheck %s --check-prefix=SPILLS --input-file=%t/sm80.log
// RUN: for f in %t/*_sm_90a.ptx; do %ptxas -arch=sm_90a -v $f -o %t/a.cubin || exit 1; done 2> %t/sm90.log
// RUN: FileCheck %s --check-prefix=SPILLS --input-file=%t/sm90.log
// 16 forward files a chip with 2 entries each and 16 backward files with 4,
// none of which spills.
// SPILLS-COUNT-96: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
// SPILLS-NOT: bytes spill stores
// RUN: cat %t/sm80.log %t/sm90.log | grep "spill stores" > %t/spills.txt
// RUN: count 192 < %t/spills.txt
// RUN: not grep -v " 0 bytes spill stores, 0 bytes spill loads" %t/spills.txt

// RUN: FileCheck %s --check-prefix=JSON < %t/msa_pwa_fwd_bf16_c32_sm_90a.json
// JSON: "chip": "sm_90a"
// JSON: "dtype": "bf16"
// JSON: "head_dim": 32
// JSON: "block": [
// JSON-NEXT: 128,
// JSON: "entry": "msa_pwa_probs_bf16",
// JSON-NEXT: "grid": [
// JSON-NEXT: "R",
// JSON-NEXT: "B",
// JSON: "block": [
// JSON-NEXT: 512,
// JSON: "dynamic_shared_bytes": 116736,
// JSON: "entry": "msa_pwa_fwd_bf16_c32",
// JSON-NEXT: "grid": [
// JSON-NEXT: "B*H",
// JSON-NEXT: "ceil(R/256)",
// JSON-NEXT: "ceil(S*C/128)"
// JSON: "name": "probs",
// JSON-NEXT: "type": "ptr"
// JSON: "tiles": {
// JSON-NEXT: "bk": 32,
// JSON-NEXT: "bm": 256,
// JSON-NEXT: "bn": 128,
// JSON-NEXT: "heads": 1

// At C = 8 a bf16 CTA computes two neighbouring heads (16-byte rows).
// RUN: FileCheck %s --check-prefix=JSON8 < %t/msa_pwa_fwd_bf16_c8_sm_80.json
// JSON8: "entry": "msa_pwa_probs_bf16",
// JSON8: "block": [
// JSON8-NEXT: 512,
// JSON8: "dynamic_shared_bytes": 149504,
// JSON8: "entry": "msa_pwa_fwd_bf16_c8",
// JSON8-NEXT: "grid": [
// JSON8-NEXT: "B*ceil(H/2)",
// JSON8-NEXT: "ceil(R/128)",
// JSON8-NEXT: "ceil(S*C/128)"
// JSON8: "tiles": {
// JSON8-NEXT: "bk": 32,
// JSON8-NEXT: "bm": 128,
// JSON8-NEXT: "bn": 128,
// JSON8-NEXT: "heads": 2

// --mma=wgmma: the sm_90a bf16/f16 forward GEMMs issue warpgroup MMAs on
// shared-memory descriptors (B n-major: imm-trans-b 1), fenced for the async
// proxy; everything else is as in the default set, and nothing spills.
// RUN: rm -rf %t.wg && msa-codegen --all --mma=wgmma -o %t.wg > %t.wg.list
// RUN: FileCheck %s --check-prefix=LIST < %t.wg.list
// RUN: FileCheck %s --check-prefix=WG < %t.wg/msa_pwa_fwd_bf16_c8_sm_90a.ptx
// RUN: FileCheck %s --check-prefix=WG16 < %t.wg/msa_pwa_fwd_f16_c64_sm_90a.ptx
// WG: .target sm_90a
// WG-DAG: .visible .entry msa_pwa_fwd_bf16_c8(
// WG-DAG: cp.async.cg.shared.global
// WG-DAG: fence.proxy.async.shared::cta;
// WG-DAG: wgmma.fence.sync.aligned;
// WG-DAG: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 {{.*}}, p, 1, 1, 0, 1;
// WG-DAG: wgmma.commit_group.sync.aligned;
// WG-DAG: wgmma.wait_group.sync.aligned 0;
// WG-NOT: mma.sync.aligned
// WG16: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16
// RUN: FileCheck %s --check-prefix=WGJSON < %t.wg/msa_pwa_fwd_bf16_c8_sm_90a.json
// WGJSON: "chip": "sm_90a"
// WGJSON: "mma": "wgmma"
// RUN: FileCheck %s --check-prefix=SYNCJSON < %t.wg/msa_pwa_fwd_bf16_c8_sm_80.json
// SYNCJSON: "mma": "mma.sync"
// RUN: FileCheck %s --check-prefix=WGF32 < %t.wg/msa_pwa_fwd_f32_c8_sm_90a.ptx
// WGF32: mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32
// RUN: FileCheck %s --check-prefix=WGBWD < %t.wg/msa_pwa_bwd_bf16_c8_sm_90a.ptx
// WGBWD-NOT: wgmma
// RUN: for f in %t.wg/msa_pwa_fwd_*_sm_90a.ptx; do %ptxas -arch=sm_90a -v $f -o %t.wg/a.cubin || exit 1; done 2> %t.wg.log
// RUN: grep "spill stores" %t.wg.log > %t.wg.spills
// RUN: count 32 < %t.wg.spills
// RUN: not grep -v " 0 bytes spill stores, 0 bytes spill loads" %t.wg.spills
// RUN: not grep -i warning %t.wg.log
