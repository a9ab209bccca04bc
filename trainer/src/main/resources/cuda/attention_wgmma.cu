// Causal attention on Hopper's warpgroup tensor-core instruction (wgmma, sm_90a), head size 64: the same three
// kernels and the same algorithm as attention_tc.cu (forward with lse; backward as dK/dV per key block and dQ per
// query block, no atomics, so deterministic), with each 64-row product issued by a warpgroup (4 warps) as
// wgmma.m64n64k16: A (this warp's 16 rows) from registers in mma.sync's fragment layout, B read by the tensor cores
// straight from shared memory through a matrix descriptor. Appended to attention_tc.cu (its copy, fragment and
// delta helpers) and compiled for sm_90a only.
//
// Shared tiles hold ROWS x 64 bf16 as "core matrices" of 8 rows x 8 bf16 (128 contiguous bytes, no swizzle),
// ordered by 8-row group, then 8-column chunk: element (r, d) at ((r / 8) * 8 + d / 8) * 64 + (r % 8) * 8 + d % 8.
// One tile serves as B both ways: B[k = dim][n = row] (K-major: S = Q K^T, dP = dO V^T, S^T = K Q^T, ...) and
// B[k = row][n = dim] (MN-major, the transpose bit: O += P V, dV += P^T dO, dK += dS^T Q, dQ += dS K).
// Descriptor strides: the leading byte offset steps between core matrices along K, the stride byte offset along N.
#define WG_ROWS 64                  // rows of one warpgroup's product (M of m64n64k16)
#define CHUNK_BYTES 128             // one core matrix
#define GROUP_BYTES (HS / 8 * 128)  // one 8-row group across the head dimensions
#ifndef WG_FORWARD_GROUPS
#define WG_FORWARD_GROUPS 2         // forward: warpgroups per block (64 queries each) sharing the K/V tiles
#endif

// Starts copying rows first..first+ROWS-1 of one head slice into a core-matrix tile (zeros past T). Consecutive
// threads fill one core matrix's 8 rows, so each warp's stores are contiguous in shared memory.
template <int ROWS>
__device__ __forceinline__ void copy_core_tile_async(bf16_t* tile, const bf16_t* base, int first, int T, int stride,
                                                     int column) {
  for (int i = threadIdx.x; i < ROWS * HS / 8; i += blockDim.x) {
    int row_in_group = i & 7;
    int chunk = (i >> 3) % (HS / 8);
    int group = (i >> 3) / (HS / 8);
    int t = first + group * 8 + row_in_group;
    copy_async16(tile + (group * (HS / 8) + chunk) * 64 + row_in_group * 8,
                 base + (long long)(t < T ? t : 0) * stride + column + chunk * 8, t < T);
  }
}

// cp.async writes through the generic proxy; wgmma reads through the async proxy: fence before the barrier.
__device__ __forceinline__ void fence_shared_for_tensor_cores() {
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
}

__device__ __forceinline__ unsigned long long matrix_descriptor(const bf16_t* tile, unsigned leading_bytes,
                                                                unsigned stride_bytes) {
  unsigned long long address = shared_address(tile);
  return ((address & 0x3ffff) >> 4) | ((unsigned long long)(leading_bytes >> 4) << 16) |
         ((unsigned long long)(stride_bytes >> 4) << 32);  // base offset 0, no swizzle
}
// B[k][n] = tile[n][k] for k-step `step` (head dims 16 * step..): K-major.
__device__ __forceinline__ unsigned long long rows_as_n(const bf16_t* tile, int step) {
  return matrix_descriptor(tile + step * 2 * 64, CHUNK_BYTES, GROUP_BYTES);
}
// B[k][n] = tile[k][n] for k-step `step` (rows 16 * step..): MN-major (used with the transpose bit).
__device__ __forceinline__ unsigned long long rows_as_k(const bf16_t* tile, int step) {
  return matrix_descriptor(tile + step * 2 * (GROUP_BYTES / 2), GROUP_BYTES, CHUNK_BYTES);
}

__device__ __forceinline__ void wgmma_fence() { asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory"); }
__device__ __forceinline__ void wgmma_commit() { asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory"); }
__device__ __forceinline__ void wgmma_wait_all() { asm volatile("wgmma.wait_group.sync.aligned 0;\n" ::: "memory"); }

// Keeps the compiler from moving reads of wgmma results (or reuse of its A registers) across the wait: an empty
// volatile asm that "writes" each register, placed after wgmma_wait_all.
__device__ __forceinline__ void fence_registers(float x[8][4]) {
#pragma unroll
  for (int n = 0; n < 8; n++) {
    asm volatile("" : "+f"(x[n][0]), "+f"(x[n][1]), "+f"(x[n][2]), "+f"(x[n][3])::"memory");
  }
}
__device__ __forceinline__ void fence_registers(unsigned x[4][4]) {
#pragma unroll
  for (int n = 0; n < 4; n++) {
    asm volatile("" : "+r"(x[n][0]), "+r"(x[n][1]), "+r"(x[n][2]), "+r"(x[n][3])::"memory");
  }
}

// d (the warpgroup's 64 x 64 fp32; this thread's 32 in mma.sync's C layout per 8-column tile) = a b (+ d when
// `accumulate`); a: this warp's 16 rows x 16 (A fragment), b: shared-memory descriptor, TRANSPOSE_B 1 = MN-major.
template <int TRANSPOSE_B>
__device__ __forceinline__ void wgmma_64x64(float d[8][4], const unsigned a[4], unsigned long long b, int accumulate) {
  asm volatile(
      "{\n.reg .pred p;\nsetp.ne.b32 p, %37, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 "
      "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, "
      "%23, %24, %25, %26, %27, %28, %29, %30, %31}, {%32, %33, %34, %35}, %36, p, 1, 1, %38;\n}\n"
      : "+f"(d[0][0]), "+f"(d[0][1]), "+f"(d[0][2]), "+f"(d[0][3]), "+f"(d[1][0]), "+f"(d[1][1]), "+f"(d[1][2]),
        "+f"(d[1][3]), "+f"(d[2][0]), "+f"(d[2][1]), "+f"(d[2][2]), "+f"(d[2][3]), "+f"(d[3][0]), "+f"(d[3][1]),
        "+f"(d[3][2]), "+f"(d[3][3]), "+f"(d[4][0]), "+f"(d[4][1]), "+f"(d[4][2]), "+f"(d[4][3]), "+f"(d[5][0]),
        "+f"(d[5][1]), "+f"(d[5][2]), "+f"(d[5][3]), "+f"(d[6][0]), "+f"(d[6][1]), "+f"(d[6][2]), "+f"(d[6][3]),
        "+f"(d[7][0]), "+f"(d[7][1]), "+f"(d[7][2]), "+f"(d[7][3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(b), "r"(accumulate), "n"(TRANSPOSE_B));
}

// x (64 x 64) = a (64 x HS, A fragments) tile^T: S = Q K^T, dP = dO V^T, S^T = K Q^T, dP^T = V dO^T.
__device__ __forceinline__ void issue_products_with_rows(float x[8][4], const unsigned a[DCHUNKS][4],
                                                         const bf16_t* tile) {
#pragma unroll
  for (int kc = 0; kc < DCHUNKS; kc++) wgmma_64x64<0>(x, a[kc], rows_as_n(tile, kc), kc);
}

// acc (64 x HS) += c (64 x 64 fp32, rounded to bf16 A fragments) tile: O += P V, dQ += dS K, dV += P^T dO, ...
// The A registers must live until the products complete: the caller keeps `packed` until wgmma_wait_all.
__device__ __forceinline__ void issue_products_with_columns(float acc[8][4], unsigned packed[4][4],
                                                            const float c[8][4], const bf16_t* tile) {
#pragma unroll
  for (int kk = 0; kk < 4; kk++) {
    packed[kk][0] = pack_bf16(c[2 * kk][0], c[2 * kk][1]);
    packed[kk][1] = pack_bf16(c[2 * kk][2], c[2 * kk][3]);
    packed[kk][2] = pack_bf16(c[2 * kk + 1][0], c[2 * kk + 1][1]);
    packed[kk][3] = pack_bf16(c[2 * kk + 1][2], c[2 * kk + 1][3]);
  }
  wgmma_fence();
#pragma unroll
  for (int kk = 0; kk < 4; kk++) wgmma_64x64<1>(acc, packed[kk], rows_as_k(tile, kk), 1);
}

// Starts copying keys and values first_key.. of head h into one stage (one commit group).
__device__ __forceinline__ void copy_core_key_value_async(bf16_t* keys, bf16_t* values, const bf16_t* base,
                                                          int first_key, int T, int C, int h) {
  copy_core_tile_async<WG_ROWS>(keys, base, first_key, T, 3 * C, C + h * HS);
  copy_core_tile_async<WG_ROWS>(values, base, first_key, T, 3 * C, 2 * C + h * HS);
  copy_async_commit();
}

// At key tile `tile` of `tiles`: starts the next tile's copy into the other stage, waits for this one, and makes
// it visible to the tensor cores of the whole block.
__device__ __forceinline__ void next_core_key_value(bf16_t (*keys)[WG_ROWS * HS], bf16_t (*values)[WG_ROWS * HS],
                                                    const bf16_t* base, int tile, int tiles, int T, int C, int h) {
  if (tile + 1 < tiles) {
    copy_core_key_value_async(keys[(tile + 1) & 1], values[(tile + 1) & 1], base, (tile + 1) * WG_ROWS, T, C, h);
    copy_async_wait<1>();
  } else {
    copy_async_wait<0>();
  }
  fence_shared_for_tensor_cores();
  __syncthreads();
}

// Forward. Launch: grid (ceil(T / (64 * WG_FORWARD_GROUPS)), B * H), 128 * WG_FORWARD_GROUPS threads.
extern "C" __global__ void __launch_bounds__(128 * WG_FORWARD_GROUPS) attention_wgmma_forward(
    bf16_t* out, float* lse, const bf16_t* qkv, int B, int T, int H) {
  __shared__ __align__(128) bf16_t keys[2][WG_ROWS * HS];
  __shared__ __align__(128) bf16_t values[2][WG_ROWS * HS];
  const int C = H * HS;
  const int C3 = 3 * C;
  const int bh = blockIdx.y;
  const int b = bh / H;
  const int h = bh % H;
  const int block_rows = WG_ROWS * WG_FORWARD_GROUPS;
  const int first_query = (gridDim.x - 1 - blockIdx.x) * block_rows;
  const int warp = threadIdx.x >> 5;
  const int g = (threadIdx.x & 31) >> 2;
  const int q = threadIdx.x & 3;
  const bf16_t* base = qkv + (long long)b * T * C3;
  const float scale = rsqrtf((float)HS) * LOG2E;
  const int row0 = first_query + warp * 16 + g;
  const int row1 = row0 + 8;
  const int tiles = (min(first_query + block_rows, T) - 1) / WG_ROWS + 1;
  copy_core_key_value_async(keys[0], values[0], base, 0, T, C, h);
  unsigned qf[DCHUNKS][4];
  load_row_fragments(qf, base, row0, T, C3, h * HS);
  float o[8][4];
  float s[8][4];
  unsigned packed[4][4];
#pragma unroll
  for (int n = 0; n < 8; n++) o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.0f;
  float m0 = NEG_INF, m1 = NEG_INF, l0 = 0.0f, l1 = 0.0f;
  for (int tile = 0; tile < tiles; tile++) {
    const int first_key = tile * WG_ROWS;
    next_core_key_value(keys, values, base, tile, tiles, T, C, h);
    wgmma_fence();
    issue_products_with_rows(s, qf, keys[tile & 1]);  // S = Q K^T
    wgmma_commit();
    wgmma_wait_all();
    fence_registers(s);
    const bool diagonal = first_key + WG_ROWS > first_query;
    float x0 = m0, x1 = m1;
#pragma unroll
    for (int n = 0; n < 8; n++) {
      int key = first_key + n * 8 + 2 * q;
#pragma unroll
      for (int e = 0; e < 4; e++) {
        int row = e < 2 ? row0 : row1;
        s[n][e] = (!diagonal || key + (e & 1) <= row) ? s[n][e] * scale : NEG_INF;
      }
      x0 = fmaxf(x0, fmaxf(s[n][0], s[n][1]));
      x1 = fmaxf(x1, fmaxf(s[n][2], s[n][3]));
    }
    x0 = fmaxf(x0, __shfl_xor_sync(0xffffffffu, x0, 1));
    x0 = fmaxf(x0, __shfl_xor_sync(0xffffffffu, x0, 2));
    x1 = fmaxf(x1, __shfl_xor_sync(0xffffffffu, x1, 1));
    x1 = fmaxf(x1, __shfl_xor_sync(0xffffffffu, x1, 2));
    float c0 = exp2f(m0 - x0);  // every row meets key 0 in its first tile: x0, x1 finite from then on
    float c1 = exp2f(m1 - x1);
    m0 = x0;
    m1 = x1;
    l0 *= c0;
    l1 *= c1;
#pragma unroll
    for (int n = 0; n < 8; n++) {
      o[n][0] *= c0;
      o[n][1] *= c0;
      o[n][2] *= c1;
      o[n][3] *= c1;
      s[n][0] = exp2f(s[n][0] - x0);
      s[n][1] = exp2f(s[n][1] - x0);
      s[n][2] = exp2f(s[n][2] - x1);
      s[n][3] = exp2f(s[n][3] - x1);
      l0 += s[n][0] + s[n][1];
      l1 += s[n][2] + s[n][3];
    }
    issue_products_with_columns(o, packed, s, values[tile & 1]);  // O += P V
    wgmma_commit();
    wgmma_wait_all();
    fence_registers(o);
    fence_registers(packed);
    __syncthreads();  // this stage is refilled two tiles on
  }
  l0 += __shfl_xor_sync(0xffffffffu, l0, 1);
  l0 += __shfl_xor_sync(0xffffffffu, l0, 2);
  l1 += __shfl_xor_sync(0xffffffffu, l1, 1);
  l1 += __shfl_xor_sync(0xffffffffu, l1, 2);
  float inverse0 = 1.0f / l0;
  float inverse1 = 1.0f / l1;
#pragma unroll
  for (int n = 0; n < 8; n++) {
    int column = h * HS + n * 8 + 2 * q;
    if (row0 < T) {
      *reinterpret_cast<unsigned*>(out + ((long long)b * T + row0) * C + column) =
          pack_bf16(o[n][0] * inverse0, o[n][1] * inverse0);
    }
    if (row1 < T) {
      *reinterpret_cast<unsigned*>(out + ((long long)b * T + row1) * C + column) =
          pack_bf16(o[n][2] * inverse1, o[n][3] * inverse1);
    }
  }
  if (q == 0) {
    if (row0 < T) lse[(long long)bh * T + row0] = (m0 + log2f(l0)) * LN2;
    if (row1 < T) lse[(long long)bh * T + row1] = (m1 + log2f(l1)) * LN2;
  }
}

// dK and dV: one warpgroup owns 64 keys (K, V as A fragments in registers) and walks the 64-query tiles at or
// after them: S^T = K Q^T, dP^T = V dO^T, P^T = exp(S^T - lse), dS^T = P^T (dP^T - delta), dV += P^T dO,
// dK += dS^T Q. Launch: grid (ceil(T / 64), B * H), 128 threads.
extern "C" __global__ void __launch_bounds__(128) attention_wgmma_backward_key_value(
    bf16_t* dqkv, const bf16_t* dout, const bf16_t* qkv, const float* lse, const float* delta, int B, int T, int H) {
  __shared__ __align__(128) bf16_t queries[2][WG_ROWS * HS];  // Q, core matrices
  __shared__ __align__(128) bf16_t grads[2][WG_ROWS * HS];    // dO, core matrices
  __shared__ float tile_lse[2][WG_ROWS];
  __shared__ float tile_delta[2][WG_ROWS];
  const int C = H * HS;
  const int C3 = 3 * C;
  const int bh = blockIdx.y;
  const int b = bh / H;
  const int h = bh % H;
  const int first_key = blockIdx.x * WG_ROWS;
  const int warp = threadIdx.x >> 5;
  const int g = (threadIdx.x & 31) >> 2;
  const int q = threadIdx.x & 3;
  const bf16_t* base = qkv + (long long)b * T * C3;
  const bf16_t* dout_base = dout + (long long)b * T * C;
  bf16_t* dqkv_base = dqkv + (long long)b * T * C3;
  const float scale = rsqrtf((float)HS);
  const float scale_log2 = scale * LOG2E;
  const int key0 = first_key + warp * 16 + g;
  const int tiles = (T - first_key + WG_ROWS - 1) / WG_ROWS;
  auto prefetch = [&](int tile) {
    int first_query = first_key + tile * WG_ROWS;
    int stage = tile & 1;
    copy_core_tile_async<WG_ROWS>(queries[stage], base, first_query, T, C3, h * HS);
    copy_core_tile_async<WG_ROWS>(grads[stage], dout_base, first_query, T, C, h * HS);
    copy_async_commit();
    for (int r = threadIdx.x; r < WG_ROWS; r += blockDim.x) {
      int t = first_query + r;
      tile_lse[stage][r] = t < T ? lse[(long long)bh * T + t] * LOG2E : __int_as_float(0x7f800000);
      tile_delta[stage][r] = t < T ? delta[(long long)bh * T + t] : 0.0f;
    }
  };
  prefetch(0);
  unsigned kf[DCHUNKS][4];
  unsigned vf[DCHUNKS][4];
  load_row_fragments(kf, base, key0, T, C3, C + h * HS);
  load_row_fragments(vf, base, key0, T, C3, 2 * C + h * HS);
  float dk[8][4];
  float dv[8][4];
  float st[8][4];
  float dpt[8][4];
  unsigned packed_p[4][4];
  unsigned packed_ds[4][4];
#pragma unroll
  for (int n = 0; n < 8; n++) {
    dk[n][0] = dk[n][1] = dk[n][2] = dk[n][3] = 0.0f;
    dv[n][0] = dv[n][1] = dv[n][2] = dv[n][3] = 0.0f;
  }
  for (int tile = 0; tile < tiles; tile++) {
    const int first_query = first_key + tile * WG_ROWS;
    if (tile + 1 < tiles) {
      prefetch(tile + 1);
      copy_async_wait<1>();
    } else {
      copy_async_wait<0>();
    }
    fence_shared_for_tensor_cores();
    __syncthreads();
    const bf16_t* q_tile = queries[tile & 1];
    const bf16_t* g_tile = grads[tile & 1];
    const float* lse_tile = tile_lse[tile & 1];
    const float* delta_tile = tile_delta[tile & 1];
    wgmma_fence();
    issue_products_with_rows(st, kf, q_tile);   // S^T = K Q^T
    issue_products_with_rows(dpt, vf, g_tile);  // dP^T = V dO^T
    wgmma_commit();
    wgmma_wait_all();
    fence_registers(st);
    fence_registers(dpt);
#pragma unroll
    for (int n = 0; n < 8; n++) {
#pragma unroll
      for (int e = 0; e < 4; e++) {
        int local = n * 8 + 2 * q + (e & 1);
        int key = e < 2 ? key0 : key0 + 8;
        float p = first_query + local >= key ? exp2f(st[n][e] * scale_log2 - lse_tile[local]) : 0.0f;  // causal
        st[n][e] = p;
        dpt[n][e] = p * (dpt[n][e] - delta_tile[local]);
      }
    }
    issue_products_with_columns(dv, packed_p, st, g_tile);   // dV += P^T dO
    issue_products_with_columns(dk, packed_ds, dpt, q_tile); // dK += dS^T Q
    wgmma_commit();
    wgmma_wait_all();
    fence_registers(dv);
    fence_registers(dk);
    fence_registers(packed_p);
    fence_registers(packed_ds);
    __syncthreads();  // this stage is refilled two tiles on
  }
#pragma unroll
  for (int n = 0; n < 8; n++) {
    int column = h * HS + n * 8 + 2 * q;
    if (key0 < T) {
      bf16_t* row = dqkv_base + (long long)key0 * C3 + column;
      *reinterpret_cast<unsigned*>(row + C) = pack_bf16(dk[n][0] * scale, dk[n][1] * scale);
      *reinterpret_cast<unsigned*>(row + 2 * C) = pack_bf16(dv[n][0], dv[n][1]);
    }
    if (key0 + 8 < T) {
      bf16_t* row = dqkv_base + (long long)(key0 + 8) * C3 + column;
      *reinterpret_cast<unsigned*>(row + C) = pack_bf16(dk[n][2] * scale, dk[n][3] * scale);
      *reinterpret_cast<unsigned*>(row + 2 * C) = pack_bf16(dv[n][2], dv[n][3]);
    }
  }
}

// dQ: one warpgroup owns 64 queries (Q, dO as A fragments; lse, delta per row in registers) and walks the key
// tiles up to the diagonal: S = Q K^T, dP = dO V^T, dS = P (dP - delta), dQ += dS K. Launch: grid (ceil(T / 64),
// B * H), 128 threads.
extern "C" __global__ void __launch_bounds__(128) attention_wgmma_backward_query(
    bf16_t* dqkv, const bf16_t* dout, const bf16_t* qkv, const float* lse, const float* delta, int B, int T, int H) {
  __shared__ __align__(128) bf16_t keys[2][WG_ROWS * HS];
  __shared__ __align__(128) bf16_t values[2][WG_ROWS * HS];
  const int C = H * HS;
  const int C3 = 3 * C;
  const int bh = blockIdx.y;
  const int b = bh / H;
  const int h = bh % H;
  const int first_query = (gridDim.x - 1 - blockIdx.x) * WG_ROWS;
  const int warp = threadIdx.x >> 5;
  const int g = (threadIdx.x & 31) >> 2;
  const int q = threadIdx.x & 3;
  const bf16_t* base = qkv + (long long)b * T * C3;
  const float scale = rsqrtf((float)HS);
  const float scale_log2 = scale * LOG2E;
  const int row0 = first_query + warp * 16 + g;
  const int row1 = row0 + 8;
  const int tiles = (min(first_query + WG_ROWS, T) - 1) / WG_ROWS + 1;
  copy_core_key_value_async(keys[0], values[0], base, 0, T, C, h);
  unsigned qf[DCHUNKS][4];
  unsigned gf[DCHUNKS][4];
  load_row_fragments(qf, base, row0, T, C3, h * HS);
  load_row_fragments(gf, dout + (long long)b * T * C, row0, T, C, h * HS);
  const float lse0 = row0 < T ? lse[(long long)bh * T + row0] * LOG2E : __int_as_float(0x7f800000);
  const float lse1 = row1 < T ? lse[(long long)bh * T + row1] * LOG2E : __int_as_float(0x7f800000);
  const float delta0 = row0 < T ? delta[(long long)bh * T + row0] : 0.0f;
  const float delta1 = row1 < T ? delta[(long long)bh * T + row1] : 0.0f;
  float dq[8][4];
  float s[8][4];
  float dp[8][4];
  unsigned packed[4][4];
#pragma unroll
  for (int n = 0; n < 8; n++) dq[n][0] = dq[n][1] = dq[n][2] = dq[n][3] = 0.0f;
  for (int tile = 0; tile < tiles; tile++) {
    const int first_key = tile * WG_ROWS;
    next_core_key_value(keys, values, base, tile, tiles, T, C, h);
    const bf16_t* k_tile = keys[tile & 1];
    wgmma_fence();
    issue_products_with_rows(s, qf, k_tile);            // S = Q K^T
    issue_products_with_rows(dp, gf, values[tile & 1]); // dP = dO V^T
    wgmma_commit();
    wgmma_wait_all();
    fence_registers(s);
    fence_registers(dp);
    const bool diagonal = tile == tiles - 1;
#pragma unroll
    for (int n = 0; n < 8; n++) {
      int key = first_key + n * 8 + 2 * q;
#pragma unroll
      for (int e = 0; e < 4; e++) {
        bool upper = e < 2;
        float p = (!diagonal || key + (e & 1) <= (upper ? row0 : row1))
            ? exp2f(s[n][e] * scale_log2 - (upper ? lse0 : lse1)) : 0.0f;  // causal
        s[n][e] = p * (dp[n][e] - (upper ? delta0 : delta1));  // dS
      }
    }
    issue_products_with_columns(dq, packed, s, k_tile);  // dQ += dS K
    wgmma_commit();
    wgmma_wait_all();
    fence_registers(dq);
    fence_registers(packed);
    __syncthreads();  // this stage is refilled two tiles on
  }
  bf16_t* dqkv_base = dqkv + (long long)b * T * C3;
#pragma unroll
  for (int n = 0; n < 8; n++) {
    int column = h * HS + n * 8 + 2 * q;
    if (row0 < T) {
      *reinterpret_cast<unsigned*>(dqkv_base + (long long)row0 * C3 + column) =
          pack_bf16(dq[n][0] * scale, dq[n][1] * scale);
    }
    if (row1 < T) {
      *reinterpret_cast<unsigned*>(dqkv_base + (long long)row1 * C3 + column) =
          pack_bf16(dq[n][2] * scale, dq[n][3] * scale);
    }
  }
}
