// Causal multi-head attention on the tensor cores (BF16 mode): the FlashAttention-2 algorithm with bf16 operands
// and fp32 accumulation, through the warp-level mma.sync.m16n8k16 instruction (sm_80 and later). Same shapes as
// attention.cu but bf16 activations: qkv (B, T, 3C) bf16 as the QKV projection writes it (q | k | v, head h at
// h*HS..), out (B, T, C) bf16, dout (B, T, C) bf16; lse (B, H, T) fp32 = log-sum-exp of the scaled scores per
// query; dqkv (B, T, 3C) bf16 (it feeds only the QKV projection's backward products). O(B T C) memory for any T. Softmax statistics and accumulators are fp32.
//
// Backward in two kernels, FlashAttention-2 style but without atomics: dK and dV per key block, dQ per query block.
// Tiles move global -> shared with cp.async (16 bytes per thread-copy, zero-filled past T), double-buffered so
// the next tile loads while the current one computes; fragments come out of shared memory with ldmatrix
// (.trans where the product needs the tile transposed, so no transposed copies are kept).
//
// Fragment layouts of mma.m16n8k16 (PTX ISA), lane = 4 * g + q (g = lane / 4, q = lane % 4):
//   A 16x16 row-major, 4 registers of 2 bf16: (row g, cols 2q..2q+1), (row g+8, same), (row g, cols 2q+8..),
//     (row g+8, cols 2q+8..);  B 16x8 "col": (rows 2q..2q+1, col g), (rows 2q+8..2q+9, col g);
//   C 16x8 fp32: (row g, cols 2q, 2q+1), (row g+8, cols 2q, 2q+1).
// A C tile pair (16 x 16) therefore converts in registers into an A fragment for the next product (P V, dS Q).
// Shared rows are padded by 8 bf16 (16 bytes): the 8 row addresses of an ldmatrix then hit 32 different banks.
//
// Compile-time constant: HEAD_SIZE (multiple of 16, at most 64: registers hold a warp's rows of K, V, dK, dV).
#define HS HEAD_SIZE
#define DCHUNKS (HS / 16)  // k-chunks of 16 over head dimensions
#define DTILES (HS / 8)    // n-tiles of 8 over head dimensions
// Tile shapes (defaults are the launcher's; bench/attention_kernels.py compiles other choices to time them):
#ifndef FWD_WARPS
#define FWD_WARPS 8        // forward: warps per block, 16 query rows each (8: K/V tiles shared by 128 queries)
#endif
#ifndef QUERY_WARPS
#define QUERY_WARPS 4      // dQ: warps per block, 16 query rows each
#endif
#ifndef BWD_WARPS
#define BWD_WARPS 4        // dK/dV: warps per block, 16 key rows each
#endif
#ifndef BWD_QUERIES
#define BWD_QUERIES 32     // dK/dV: queries per shared tile
#endif
#ifndef KEY_BLOCKS_PER_SM
#define KEY_BLOCKS_PER_SM 3    // dK/dV: blocks an SM must fit (caps its registers)
#endif
#ifndef QUERY_BLOCKS_PER_SM
#define QUERY_BLOCKS_PER_SM 3  // dQ: blocks an SM must fit (caps its registers)
#endif
#define FWD_QUERIES (16 * FWD_WARPS)
#define DQ_QUERIES (16 * QUERY_WARPS)
#define FWD_KEYS 64        // forward and dQ: keys per shared tile
#define BWD_KEYS (16 * BWD_WARPS)
#define ROW_PAD (HS + 8)   // row stride (bf16) of [row][dim] tiles
#define LOG2E 1.4426950408889634f
#define LN2 0.6931471805599453f

typedef unsigned short bf16_t;

// {lo, hi} -> one register, lo in the low half (the lower column of a fragment pair).
__device__ __forceinline__ unsigned pack_bf16(float lo, float hi) {
  unsigned packed;
  asm("cvt.rn.bf16x2.f32 %0, %1, %2;" : "=r"(packed) : "f"(hi), "f"(lo));
  return packed;
}

__device__ __forceinline__ unsigned shared_address(const void* pointer) {
  return (unsigned)__cvta_generic_to_shared(pointer);
}

// 16 bytes global -> shared, asynchronously; zero-filled when !valid (nothing is read from `source` then).
__device__ __forceinline__ void copy_async16(void* target, const void* source, bool valid) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(shared_address(target)), "l"(source),
               "r"(valid ? 16 : 0));
}
__device__ __forceinline__ void copy_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int PENDING>
__device__ __forceinline__ void copy_async_wait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(PENDING) : "memory");
}

// Four 8x8 bf16 matrices; lane L gives the address of row L % 8 of matrix L / 8.
__device__ __forceinline__ void load_matrices(unsigned* r, const bf16_t* row) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(shared_address(row)));
}
__device__ __forceinline__ void load_matrices_transposed(unsigned* r, const bf16_t* row) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(shared_address(row)));
}

// c (16x8 fp32) += a (16x16 bf16) b (16x8 bf16)
__device__ __forceinline__ void mma_bf16(float* c, const unsigned* a, unsigned b0, unsigned b1) {
  asm("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// B fragments of two adjacent n-tiles (n, n + 1) for k-chunk k0..k0+15, from a shared tile of `stride` bf16 per row.
// Product form 1, B[k][n] = tile[n][k] (the tile's rows are the product's n: K for Q K^T, Q for K Q^T):
__device__ __forceinline__ void b_fragments_rows(unsigned* b, const bf16_t* tile, int stride, int n0, int k0) {
  int lane = threadIdx.x & 31;
  int m = lane >> 3;
  load_matrices(b, tile + (n0 + (m >> 1) * 8 + (lane & 7)) * stride + k0 + (m & 1) * 8);
  // b[0], b[1]: tile n0 (k0.., k0+8..); b[2], b[3]: tile n0 + 8
}
// Product form 2, B[k][n] = tile[k][n] (the tile's rows are the product's k: V for P V, dO for P^T dO, ...):
__device__ __forceinline__ void b_fragments_columns(unsigned* b, const bf16_t* tile, int stride, int n0, int k0) {
  int lane = threadIdx.x & 31;
  int m = lane >> 3;
  load_matrices_transposed(b, tile + (k0 + (m & 1) * 8 + (lane & 7)) * stride + n0 + (m >> 1) * 8);
}

// A fragments of 16 rows (row, row + 8) over all head dimensions, straight from global bf16 (zeros past T).
__device__ __forceinline__ void load_row_fragments(unsigned frag[DCHUNKS][4], const bf16_t* base, int row, int T,
                                                   int stride, int column) {
  int q = threadIdx.x & 3;
  const unsigned* r0 = reinterpret_cast<const unsigned*>(base + (long long)row * stride + column + 2 * q);
  const unsigned* r1 = reinterpret_cast<const unsigned*>(base + (long long)(row + 8) * stride + column + 2 * q);
#pragma unroll
  for (int kc = 0; kc < DCHUNKS; kc++) {
    frag[kc][0] = row < T ? r0[kc * 8] : 0u;
    frag[kc][1] = row + 8 < T ? r1[kc * 8] : 0u;
    frag[kc][2] = row < T ? r0[kc * 8 + 4] : 0u;
    frag[kc][3] = row + 8 < T ? r1[kc * 8 + 4] : 0u;
  }
}

// Starts copying rows first..first+ROWS-1 of one head slice into tile[row][dim] (zeros past T).
template <int ROWS>
__device__ __forceinline__ void copy_tile_async(bf16_t* tile, const bf16_t* base, int first, int T, int stride,
                                                int column) {
  for (int i = threadIdx.x; i < ROWS * HS / 8; i += blockDim.x) {
    int r = i / (HS / 8);
    int d = (i % (HS / 8)) * 8;
    int t = first + r;
    copy_async16(tile + r * ROW_PAD + d, base + (long long)(t < T ? t : 0) * stride + column + d, t < T);
  }
}

// Starts copying keys and values first_key.. of head h into one stage (one commit group).
__device__ __forceinline__ void copy_key_value_tile_async(bf16_t* keys, bf16_t* values, const bf16_t* base,
                                                          int first_key, int T, int C, int h) {
  copy_tile_async<FWD_KEYS>(keys, base, first_key, T, 3 * C, C + h * HS);
  copy_tile_async<FWD_KEYS>(values, base, first_key, T, 3 * C, 2 * C + h * HS);
  copy_async_commit();
}

// At key tile `tile` of `tiles` (double-buffered by tile % 2): starts copying the next tile into the other stage,
// then waits until this tile has arrived for the whole block.
__device__ __forceinline__ void next_key_value_tile(bf16_t (*keys)[FWD_KEYS * ROW_PAD],
                                                    bf16_t (*values)[FWD_KEYS * ROW_PAD], const bf16_t* base,
                                                    int tile, int tiles, int T, int C, int h) {
  if (tile + 1 < tiles) {
    copy_key_value_tile_async(keys[(tile + 1) & 1], values[(tile + 1) & 1], base, (tile + 1) * FWD_KEYS, T, C, h);
    copy_async_wait<1>();
  } else {
    copy_async_wait<0>();
  }
  __syncthreads();
}

// s (16 x COLUMNS) = a (16 x HS, A fragments) tile^T, where tile is [column][dim] in shared memory (K for Q K^T,
// V for dO V^T, Q for K Q^T, ...).
template <int COLUMNS>
__device__ __forceinline__ void products_with_rows(float s[COLUMNS / 8][4], const unsigned a[DCHUNKS][4],
                                                   const bf16_t* tile) {
#pragma unroll
  for (int n = 0; n < COLUMNS / 8; n++) s[n][0] = s[n][1] = s[n][2] = s[n][3] = 0.0f;
#pragma unroll
  for (int kc = 0; kc < DCHUNKS; kc++) {
#pragma unroll
    for (int n = 0; n < COLUMNS / 8; n += 2) {
      unsigned b[4];
      b_fragments_rows(b, tile, ROW_PAD, n * 8, kc * 16);
      mma_bf16(s[n], a[kc], b[0], b[1]);
      mma_bf16(s[n + 1], a[kc], b[2], b[3]);
    }
  }
}

// acc (16 x HS) += c (16 x K, C fragments of fp32, rounded to bf16 A fragments in registers) tile, where tile is
// [k][dim] in shared memory: P V and dS K in the query-major kernels, P^T dO and dS^T Q in the key-major one.
template <int K>
__device__ __forceinline__ void products_with_columns(float acc[DTILES][4], const float c[K / 8][4],
                                                      const bf16_t* tile) {
#pragma unroll
  for (int kk = 0; kk < K / 16; kk++) {
    unsigned a[4] = {pack_bf16(c[2 * kk][0], c[2 * kk][1]), pack_bf16(c[2 * kk][2], c[2 * kk][3]),
                     pack_bf16(c[2 * kk + 1][0], c[2 * kk + 1][1]), pack_bf16(c[2 * kk + 1][2], c[2 * kk + 1][3])};
#pragma unroll
    for (int n = 0; n < DTILES; n += 2) {
      unsigned b[4];
      b_fragments_columns(b, tile, ROW_PAD, n * 8, kk * 16);
      mma_bf16(acc[n], a, b[0], b[1]);
      mma_bf16(acc[n + 1], a, b[2], b[3]);
    }
  }
}

// Where a thread of an attention block sits: bh = blockIdx.y = b * H + h, its warp, and its place in mma fragments
// (g = lane / 4, q = lane % 4).
struct ThreadPlace {
  int bh, b, h, warp, g, q;
};
__device__ __forceinline__ ThreadPlace thread_place(int H) {
  const int bh = blockIdx.y;
  const int lane = threadIdx.x & 31;
  return {bh, bh / H, bh % H, (int)(threadIdx.x >> 5), lane >> 2, lane & 3};
}

// Online softmax of one finished S tile (16 rows x KEYS keys per warp) in place: s becomes P in the new max's
// units. Masks keys after the query on tiles that reach past the block's first query (keys past T are past every
// row < T), updates the running max m (log2 units) and sum l of this thread's rows row0 and row1, and returns in
// c0, c1 the factors that rescale what O holds so far.
template <int KEYS>
__device__ __forceinline__ void online_softmax(float (&s)[KEYS / 8][4], float& m0, float& m1, float& l0, float& l1,
                                               float& c0, float& c1, int first_key, int first_query, int row0,
                                               int row1, float scale) {
  const int q = threadIdx.x & 3;
  const bool diagonal = first_key + KEYS > first_query;
  float x0 = m0, x1 = m1;
#pragma unroll
  for (int n = 0; n < KEYS / 8; n++) {
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
  c0 = exp2f(m0 - x0);  // every row meets key 0 in its first tile: x0, x1 finite from then on
  c1 = exp2f(m1 - x1);
  m0 = x0;
  m1 = x1;
  l0 *= c0;
  l1 *= c1;
#pragma unroll
  for (int n = 0; n < KEYS / 8; n++) {
    s[n][0] = exp2f(s[n][0] - x0);
    s[n][1] = exp2f(s[n][1] - x0);
    s[n][2] = exp2f(s[n][2] - x1);
    s[n][3] = exp2f(s[n][3] - x1);
    l0 += s[n][0] + s[n][1];
    l1 += s[n][2] + s[n][3];
  }
}

// o (16 rows x HS per warp) *= c0 on this thread's row g, c1 on row g + 8.
__device__ __forceinline__ void rescale_rows(float o[DTILES][4], float c0, float c1) {
#pragma unroll
  for (int n = 0; n < DTILES; n++) {
    o[n][0] *= c0;
    o[n][1] *= c0;
    o[n][2] *= c1;
    o[n][3] *= c1;
  }
}

// Stores a warp's 16 rows x HS of fp32 accumulators (this thread's rows `row` and `row` + 8, scaled by scale0 and
// scale1) as bf16 at target + r * stride + column; rows at or past T are skipped.
__device__ __forceinline__ void store_rows(bf16_t* target, long long stride, int column, int row, int T,
                                           const float acc[DTILES][4], float scale0, float scale1) {
  const int q = threadIdx.x & 3;
#pragma unroll
  for (int n = 0; n < DTILES; n++) {
    int c = column + n * 8 + 2 * q;
    if (row < T) {
      *reinterpret_cast<unsigned*>(target + row * stride + c) = pack_bf16(acc[n][0] * scale0, acc[n][1] * scale0);
    }
    if (row + 8 < T) {
      *reinterpret_cast<unsigned*>(target + (row + 8) * stride + c) =
          pack_bf16(acc[n][2] * scale1, acc[n][3] * scale1);
    }
  }
}

// Forward epilogue: sums l over the 4 threads of each row, writes O / l (bf16) and lse = m + log2(l) (natural log
// units) of this thread's rows row0 and row0 + 8.
__device__ __forceinline__ void finish_forward(bf16_t* out, float* lse, const float o[DTILES][4], float m0, float m1,
                                               float l0, float l1, int b, int bh, int row0, int T, int C, int h) {
  l0 += __shfl_xor_sync(0xffffffffu, l0, 1);
  l0 += __shfl_xor_sync(0xffffffffu, l0, 2);
  l1 += __shfl_xor_sync(0xffffffffu, l1, 1);
  l1 += __shfl_xor_sync(0xffffffffu, l1, 2);
  store_rows(out + (long long)b * T * C, C, h * HS, row0, T, o, 1.0f / l0, 1.0f / l1);
  if ((threadIdx.x & 3) == 0) {
    if (row0 < T) lse[(long long)bh * T + row0] = (m0 + log2f(l0)) * LN2;
    if (row0 + 8 < T) lse[(long long)bh * T + row0 + 8] = (m1 + log2f(l1)) * LN2;
  }
}

// Launch: grid (ceil(T / FWD_QUERIES), B * H), 32 * FWD_WARPS threads. Query tiles run longest first (causal work
// grows with t).
extern "C" __global__ void __launch_bounds__(32 * FWD_WARPS) attention_tc_forward(bf16_t* out, float* lse, const bf16_t* qkv,
                                                                      int B, int T, int H) {
  __shared__ __align__(16) bf16_t keys[2][FWD_KEYS * ROW_PAD];
  __shared__ __align__(16) bf16_t values[2][FWD_KEYS * ROW_PAD];
  const int C = H * HS;
  const int C3 = 3 * C;
  const ThreadPlace at = thread_place(H);
  const int bh = at.bh, b = at.b, h = at.h, warp = at.warp, g = at.g;
  const int first_query = (gridDim.x - 1 - blockIdx.x) * FWD_QUERIES;
  const bf16_t* base = qkv + (long long)b * T * C3;
  const float scale = rsqrtf((float)HS) * LOG2E;  // scores in log2 units: exp2 instead of exp
  const int row0 = first_query + warp * 16 + g;
  const int row1 = row0 + 8;
  const int tiles = (min(first_query + FWD_QUERIES, T) - 1) / FWD_KEYS + 1;
  copy_key_value_tile_async(keys[0], values[0], base, 0, T, C, h);
  unsigned qf[DCHUNKS][4];
  load_row_fragments(qf, base, row0, T, C3, h * HS);
  float o[DTILES][4];
#pragma unroll
  for (int n = 0; n < DTILES; n++) o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.0f;
  float m0 = NEG_INF, m1 = NEG_INF, l0 = 0.0f, l1 = 0.0f;
  for (int tile = 0; tile < tiles; tile++) {
    const int first_key = tile * FWD_KEYS;
    next_key_value_tile(keys, values, base, tile, tiles, T, C, h);
    const bf16_t* k_tile = keys[tile & 1];
    const bf16_t* v_tile = values[tile & 1];
    float s[FWD_KEYS / 8][4];
    products_with_rows<FWD_KEYS>(s, qf, k_tile);
    float c0, c1;
    online_softmax<FWD_KEYS>(s, m0, m1, l0, l1, c0, c1, first_key, first_query, row0, row1, scale);
    rescale_rows(o, c0, c1);
    products_with_columns<FWD_KEYS>(o, s, v_tile);  // O += P V
    __syncthreads();  // this stage is refilled two tiles on
  }
  finish_forward(out, lse, o, m0, m1, l0, l1, b, bh, row0, T, C, h);
}

// delta (B, H, T) = rowsum(dout * out) per head, the softmax backward's correction term (fp32 sums of bf16).
extern "C" __global__ void attention_tc_delta(float* delta, const bf16_t* dout, const bf16_t* out, int B, int T, int H) {
  long long total = (long long)B * H * T;
  int C = H * HS;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
    int t = (int)(i % T);
    long long bh = i / T;
    int h = (int)(bh % H);
    int b = (int)(bh / H);
    long long offset = ((long long)b * T + t) * C + h * HS;
    const uint4* d = reinterpret_cast<const uint4*>(dout + offset);
    const uint4* o = reinterpret_cast<const uint4*>(out + offset);
    float sum = 0.0f;
#pragma unroll
    for (int j = 0; j < HS / 8; j++) {
      uint4 dv = d[j];
      uint4 ov = o[j];
      const bf16_t* dh = reinterpret_cast<const bf16_t*>(&dv);
      const bf16_t* oh = reinterpret_cast<const bf16_t*>(&ov);
#pragma unroll
      for (int e = 0; e < 8; e++) sum += load_value(dh, e) * load_value(oh, e);
    }
    delta[i] = sum;
  }
}

// Backward for dK and dV. Each block owns 64 keys (16 per warp, kept in registers as A fragments of K and V) and
// walks the query tiles at or after them: S^T = K Q^T and dP^T = V dO^T per warp, P^T = exp(S^T - lse), dS^T =
// P^T (dP^T - delta); dV += P^T dO and dK += dS^T Q accumulate in registers and are written once at the end.
// Writes the k and v columns of dqkv; delta comes from attention_tc_delta. Launch: grid (ceil(T / BWD_KEYS), B * H),
// 32 * BWD_WARPS threads.
extern "C" __global__ void __launch_bounds__(32 * BWD_WARPS, KEY_BLOCKS_PER_SM) attention_tc_backward_key_value(bf16_t* dqkv, const bf16_t* dout,
                                                                       const bf16_t* qkv, const float* lse,
                                                                       const float* delta, int B, int T, int H) {
  __shared__ __align__(16) bf16_t queries[2][BWD_QUERIES * ROW_PAD];  // Q [query][dim]
  __shared__ __align__(16) bf16_t grads[2][BWD_QUERIES * ROW_PAD];    // dO [query][dim]
  __shared__ float tile_lse[2][BWD_QUERIES];
  __shared__ float tile_delta[2][BWD_QUERIES];
  const int C = H * HS;
  const int C3 = 3 * C;
  const ThreadPlace at = thread_place(H);
  const int bh = at.bh, b = at.b, h = at.h, warp = at.warp, g = at.g, q = at.q;
  const int first_key = blockIdx.x * BWD_KEYS;
  const bf16_t* base = qkv + (long long)b * T * C3;
  const bf16_t* dout_base = dout + (long long)b * T * C;
  bf16_t* dqkv_base = dqkv + (long long)b * T * C3;
  const float scale = rsqrtf((float)HS);
  const float scale_log2 = scale * LOG2E;
  const int key0 = first_key + warp * 16 + g;  // this thread's key rows: key0, key0 + 8
  const int tiles = (T - first_key + BWD_QUERIES - 1) / BWD_QUERIES;
  auto prefetch = [&](int tile) {
    int first_query = first_key + tile * BWD_QUERIES;
    int stage = tile & 1;
    copy_tile_async<BWD_QUERIES>(queries[stage], base, first_query, T, C3, h * HS);
    copy_tile_async<BWD_QUERIES>(grads[stage], dout_base, first_query, T, C, h * HS);
    copy_async_commit();
    for (int r = threadIdx.x; r < BWD_QUERIES; r += blockDim.x) {
      int t = first_query + r;
      // Past T: lse = +inf makes P = 0, so padding rows contribute nothing.
      tile_lse[stage][r] = t < T ? lse[(long long)bh * T + t] * LOG2E : __int_as_float(0x7f800000);
      tile_delta[stage][r] = t < T ? delta[(long long)bh * T + t] : 0.0f;
    }
  };
  prefetch(0);
  unsigned kf[DCHUNKS][4];
  unsigned vf[DCHUNKS][4];
  load_row_fragments(kf, base, key0, T, C3, C + h * HS);
  load_row_fragments(vf, base, key0, T, C3, 2 * C + h * HS);
  float dk[DTILES][4];
  float dv[DTILES][4];
#pragma unroll
  for (int n = 0; n < DTILES; n++) {
    dk[n][0] = dk[n][1] = dk[n][2] = dk[n][3] = 0.0f;
    dv[n][0] = dv[n][1] = dv[n][2] = dv[n][3] = 0.0f;
  }
  for (int tile = 0; tile < tiles; tile++) {
    const int first_query = first_key + tile * BWD_QUERIES;
    if (tile + 1 < tiles) {
      prefetch(tile + 1);
      copy_async_wait<1>();
    } else {
      copy_async_wait<0>();
    }
    __syncthreads();
    const bf16_t* q_tile = queries[tile & 1];
    const bf16_t* g_tile = grads[tile & 1];
    const float* lse_tile = tile_lse[tile & 1];
    const float* delta_tile = tile_delta[tile & 1];
    float st[BWD_QUERIES / 8][4];   // S^T = K Q^T, then P^T
    float dpt[BWD_QUERIES / 8][4];  // dP^T = V dO^T, then dS^T
    products_with_rows<BWD_QUERIES>(st, kf, q_tile);
    products_with_rows<BWD_QUERIES>(dpt, vf, g_tile);
#pragma unroll
    for (int n = 0; n < BWD_QUERIES / 8; n++) {
#pragma unroll
      for (int e = 0; e < 4; e++) {
        int local = n * 8 + 2 * q + (e & 1);
        int key = e < 2 ? key0 : key0 + 8;
        float p = first_query + local >= key ? exp2f(st[n][e] * scale_log2 - lse_tile[local]) : 0.0f;  // causal
        st[n][e] = p;
        dpt[n][e] = p * (dpt[n][e] - delta_tile[local]);
      }
    }
    products_with_columns<BWD_QUERIES>(dv, st, g_tile);   // dV += P^T dO
    products_with_columns<BWD_QUERIES>(dk, dpt, q_tile);  // dK += dS^T Q
    __syncthreads();  // this stage is refilled two tiles on
  }
  store_rows(dqkv_base, C3, C + h * HS, key0, T, dk, scale, scale);
  store_rows(dqkv_base, C3, 2 * C + h * HS, key0, T, dv, 1.0f, 1.0f);
}

// Backward for dQ, query-major like the forward (no atomics, so dQ is deterministic; at most 168 registers, so
// three blocks share an SM): each warp keeps 16 query
// rows of Q and dO as A fragments and walks the key tiles up to the diagonal: S = Q K^T, dP = dO V^T,
// dS = P (dP - delta) with the row's lse and delta in registers, dQ += dS K. Writes the q columns of dqkv.
// Launch: grid (ceil(T / DQ_QUERIES), B * H), 32 * QUERY_WARPS threads.
extern "C" __global__ void __launch_bounds__(32 * QUERY_WARPS, QUERY_BLOCKS_PER_SM) attention_tc_backward_query(bf16_t* dqkv, const bf16_t* dout,
                                                                             const bf16_t* qkv, const float* lse,
                                                                             const float* delta, int B, int T, int H) {
  __shared__ __align__(16) bf16_t keys[2][FWD_KEYS * ROW_PAD];
  __shared__ __align__(16) bf16_t values[2][FWD_KEYS * ROW_PAD];
  const int C = H * HS;
  const int C3 = 3 * C;
  const ThreadPlace at = thread_place(H);
  const int bh = at.bh, b = at.b, h = at.h, warp = at.warp, g = at.g, q = at.q;
  const int first_query = (gridDim.x - 1 - blockIdx.x) * DQ_QUERIES;
  const bf16_t* base = qkv + (long long)b * T * C3;
  const float scale = rsqrtf((float)HS);
  const float scale_log2 = scale * LOG2E;
  const int row0 = first_query + warp * 16 + g;
  const int row1 = row0 + 8;
  const int tiles = (min(first_query + DQ_QUERIES, T) - 1) / FWD_KEYS + 1;
  copy_key_value_tile_async(keys[0], values[0], base, 0, T, C, h);
  unsigned qf[DCHUNKS][4];
  unsigned gf[DCHUNKS][4];
  load_row_fragments(qf, base, row0, T, C3, h * HS);
  load_row_fragments(gf, dout + (long long)b * T * C, row0, T, C, h * HS);
  // Past T: lse = +inf makes P = 0, so padding rows stay zero.
  const float lse0 = row0 < T ? lse[(long long)bh * T + row0] * LOG2E : __int_as_float(0x7f800000);
  const float lse1 = row1 < T ? lse[(long long)bh * T + row1] * LOG2E : __int_as_float(0x7f800000);
  const float delta0 = row0 < T ? delta[(long long)bh * T + row0] : 0.0f;
  const float delta1 = row1 < T ? delta[(long long)bh * T + row1] : 0.0f;
  float dq[DTILES][4];
#pragma unroll
  for (int n = 0; n < DTILES; n++) dq[n][0] = dq[n][1] = dq[n][2] = dq[n][3] = 0.0f;
  for (int tile = 0; tile < tiles; tile++) {
    const int first_key = tile * FWD_KEYS;
    next_key_value_tile(keys, values, base, tile, tiles, T, C, h);
    const bf16_t* k_tile = keys[tile & 1];
    const bf16_t* v_tile = values[tile & 1];
    float s[FWD_KEYS / 8][4];
    float dp[FWD_KEYS / 8][4];
    products_with_rows<FWD_KEYS>(s, qf, k_tile);    // S = Q K^T
    products_with_rows<FWD_KEYS>(dp, gf, v_tile);   // dP = dO V^T
    const bool diagonal = first_key + FWD_KEYS > first_query;
#pragma unroll
    for (int n = 0; n < FWD_KEYS / 8; n++) {
      int key = first_key + n * 8 + 2 * q;
#pragma unroll
      for (int e = 0; e < 4; e++) {
        bool upper = e < 2;
        float p = (!diagonal || key + (e & 1) <= (upper ? row0 : row1))
            ? exp2f(s[n][e] * scale_log2 - (upper ? lse0 : lse1)) : 0.0f;  // causal
        s[n][e] = p * (dp[n][e] - (upper ? delta0 : delta1));  // dS
      }
    }
    products_with_columns<FWD_KEYS>(dq, s, k_tile);  // dQ += dS K
    __syncthreads();  // this stage is refilled two tiles on
  }
  store_rows(dqkv + (long long)b * T * C3, C3, h * HS, row0, T, dq, scale, scale);
}
