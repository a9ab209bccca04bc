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
__device__ __forceinline__ void wgmma_wait_one() { asm volatile("wgmma.wait_group.sync.aligned 1;\n" ::: "memory"); }

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

// c (64 x 64 fp32, this thread's part) rounded to bf16 A fragments, one per k-step of 16 columns.
__device__ __forceinline__ void pack_a_fragments(unsigned packed[4][4], const float c[8][4]) {
#pragma unroll
  for (int kk = 0; kk < 4; kk++) {
    packed[kk][0] = pack_bf16(c[2 * kk][0], c[2 * kk][1]);
    packed[kk][1] = pack_bf16(c[2 * kk][2], c[2 * kk][3]);
    packed[kk][2] = pack_bf16(c[2 * kk + 1][0], c[2 * kk + 1][1]);
    packed[kk][3] = pack_bf16(c[2 * kk + 1][2], c[2 * kk + 1][3]);
  }
}

// acc (64 x HS) += packed (64 x 64, A fragments) tile: O += P V, dQ += dS K, dV += P^T dO, dK += dS^T Q. The
// packed registers must live until the products complete (fence_registers after the wait).
__device__ __forceinline__ void issue_products_with_columns(float acc[8][4], const unsigned packed[4][4],
                                                            const bf16_t* tile) {
#pragma unroll
  for (int kk = 0; kk < 4; kk++) wgmma_64x64<1>(acc, packed[kk], rows_as_k(tile, kk), 1);
}

// Forward, software-pipelined (FlashAttention-3's intra-warpgroup overlap): each iteration issues S = Q K^T of key
// tile j and O += P V of tile j - 1 together, waits for S only, runs tile j's softmax on the CUDA cores while the
// tensor cores finish P V, then rescales O. K/V tiles rotate through three shared stages (j - 1 for V, j for K,
// j + 1 arriving).
#define WG_STAGES 3

// Two head slices (K and V, or Q and dO) streamed through WG_STAGES shared stages, 64 rows a tile starting at
// first_row: while tile j's products run, tile j - 1's stage is still read and tile j + 1 is arriving.
struct TileStream {
  bf16_t (*a)[WG_ROWS * HS];
  const bf16_t* a_base;
  int a_stride, a_column;
  bf16_t (*b)[WG_ROWS * HS];
  const bf16_t* b_base;
  int b_stride, b_column;
  int first_row, tiles, T;

  // Starts copying tile `tile` into its stage when it exists; commits a group either way, so the wait counts
  // hold for any number of tiles.
  __device__ __forceinline__ void prefetch(int tile) const {
    if (tile < tiles) {
      copy_core_tile_async<WG_ROWS>(a[tile % WG_STAGES], a_base, first_row + tile * WG_ROWS, T, a_stride, a_column);
      copy_core_tile_async<WG_ROWS>(b[tile % WG_STAGES], b_base, first_row + tile * WG_ROWS, T, b_stride, b_column);
    }
    copy_async_commit();
  }
  // Tiles 0 and 1 started, tile 0 arrived and visible to the tensor cores of the whole block.
  __device__ __forceinline__ void start() const {
    prefetch(0);
    prefetch(1);
    copy_async_wait<1>();
    fence_shared_for_tensor_cores();
    __syncthreads();
  }
  // After tile `tile`: every warpgroup is done with tile - 1's stage; refill it with tile + 2, wait for tile + 1.
  __device__ __forceinline__ void rotate(int tile) const {
    __syncthreads();
    prefetch(tile + 2);
    copy_async_wait<1>();
    fence_shared_for_tensor_cores();
    __syncthreads();
  }
  __device__ __forceinline__ const bf16_t* first(int tile) const { return a[tile % WG_STAGES]; }
  __device__ __forceinline__ const bf16_t* second(int tile) const { return b[tile % WG_STAGES]; }
};

// Launch: grid (ceil(T / (64 * WG_FORWARD_GROUPS)), B * H), 128 * WG_FORWARD_GROUPS threads.
extern "C" __global__ void __launch_bounds__(128 * WG_FORWARD_GROUPS) attention_wgmma_forward(
    bf16_t* out, float* lse, const bf16_t* qkv, int B, int T, int H) {
  __shared__ __align__(128) bf16_t keys[WG_STAGES][WG_ROWS * HS];
  __shared__ __align__(128) bf16_t values[WG_STAGES][WG_ROWS * HS];
  const int C = H * HS;
  const int C3 = 3 * C;
  const ThreadPlace at = thread_place(H);
  const int bh = at.bh, b = at.b, h = at.h, warp = at.warp, g = at.g;
  const int block_rows = WG_ROWS * WG_FORWARD_GROUPS;
  const int first_query = (gridDim.x - 1 - blockIdx.x) * block_rows;
  const bf16_t* base = qkv + (long long)b * T * C3;
  const float scale = rsqrtf((float)HS) * LOG2E;
  const int row0 = first_query + warp * 16 + g;
  const int row1 = row0 + 8;
  const int tiles = (min(first_query + block_rows, T) - 1) / WG_ROWS + 1;
  const TileStream stream = {keys, base, C3, C + h * HS, values, base, C3, 2 * C + h * HS, 0, tiles, T};
  stream.start();
  unsigned qf[DCHUNKS][4];
  load_row_fragments(qf, base, row0, T, C3, h * HS);
  float o[8][4];
  float s[8][4];
  unsigned packed[4][4];
#pragma unroll
  for (int n = 0; n < 8; n++) o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.0f;
  float m0 = NEG_INF, m1 = NEG_INF, l0 = 0.0f, l1 = 0.0f, c0, c1;
  wgmma_fence();
  issue_products_with_rows(s, qf, stream.first(0));
  wgmma_commit();
  wgmma_wait_all();
  fence_registers(s);
  online_softmax<WG_ROWS>(s, m0, m1, l0, l1, c0, c1, 0, first_query, row0, row1, scale);  // o is still zero: no rescale
  stream.rotate(0);
  for (int tile = 1; tile < tiles; tile++) {
    pack_a_fragments(packed, s);  // P of tile - 1
    wgmma_fence();
    issue_products_with_rows(s, qf, stream.first(tile));  // S of this tile
    wgmma_commit();
    issue_products_with_columns(o, packed, stream.second(tile - 1));  // O += P V of tile - 1
    wgmma_commit();
    wgmma_wait_one();  // S has arrived; P V may still run
    fence_registers(s);
    online_softmax<WG_ROWS>(s, m0, m1, l0, l1, c0, c1, tile * WG_ROWS, first_query, row0, row1, scale);
    wgmma_wait_all();
    fence_registers(o);
    fence_registers(packed);
    rescale_rows(o, c0, c1);
    stream.rotate(tile);
  }
  pack_a_fragments(packed, s);
  wgmma_fence();
  issue_products_with_columns(o, packed, stream.second(tiles - 1));  // O += P V of the last tile
  wgmma_commit();
  wgmma_wait_all();
  fence_registers(o);
  fence_registers(packed);
  finish_forward(out, lse, o, m0, m1, l0, l1, b, bh, row0, T, C, h);
}

// dP turned into dS in place, with P from S: dS = P (dP - delta), P = exp(S scale - lse), 0 where the key comes
// after the query. Rows and columns as the caller's product lays them out (transposed: rows are keys).
__device__ __forceinline__ float softmax_gradient(float score, float dp, float scale_log2, float lse_log2,
                                                  float delta, bool visible) {
  float p = visible ? exp2f(score * scale_log2 - lse_log2) : 0.0f;
  return p * (dp - delta);
}

// dK and dV, software-pipelined like the forward: one warpgroup owns 64 keys (K, V as A fragments) and walks the
// 64-query tiles at or after them; each iteration issues S^T = K Q^T and dP^T = V dO^T of query tile j with
// dV += P^T dO and dK += dS^T Q of tile j - 1, and computes P^T, dS^T of tile j while the latter run.
// Launch: grid (ceil(T / 64), B * H), 128 threads.
extern "C" __global__ void __launch_bounds__(128) attention_wgmma_backward_key_value(
    bf16_t* dqkv, const bf16_t* dout, const bf16_t* qkv, const float* lse, const float* delta, int B, int T, int H) {
  __shared__ __align__(128) bf16_t queries[WG_STAGES][WG_ROWS * HS];  // Q, core matrices
  __shared__ __align__(128) bf16_t grads[WG_STAGES][WG_ROWS * HS];    // dO, core matrices
  const int C = H * HS;
  const int C3 = 3 * C;
  const ThreadPlace at = thread_place(H);
  const int bh = at.bh, b = at.b, h = at.h, warp = at.warp, g = at.g, q = at.q;
  const int first_key = blockIdx.x * WG_ROWS;
  const bf16_t* base = qkv + (long long)b * T * C3;
  bf16_t* dqkv_base = dqkv + (long long)b * T * C3;
  const float scale = rsqrtf((float)HS);
  const float scale_log2 = scale * LOG2E;
  const int key0 = first_key + warp * 16 + g;
  const int tiles = (T - first_key + WG_ROWS - 1) / WG_ROWS;
  const TileStream stream = {queries, base, C3, h * HS, grads, dout + (long long)b * T * C, C, h * HS, first_key,
                             tiles, T};
  stream.start();
  unsigned kf[DCHUNKS][4];
  unsigned vf[DCHUNKS][4];
  load_row_fragments(kf, base, key0, T, C3, C + h * HS);
  load_row_fragments(vf, base, key0, T, C3, 2 * C + h * HS);
  float dk[8][4];
  float dv[8][4];
  float st[8][4];   // S^T, then P^T
  float dpt[8][4];  // dP^T, then dS^T
  unsigned packed_p[4][4];
  unsigned packed_ds[4][4];
#pragma unroll
  for (int n = 0; n < 8; n++) {
    dk[n][0] = dk[n][1] = dk[n][2] = dk[n][3] = 0.0f;
    dv[n][0] = dv[n][1] = dv[n][2] = dv[n][3] = 0.0f;
  }
  // P^T and dS^T of query tile `tile` in place; lse and delta straight from global memory (cached).
  auto gradients = [&](int tile) {
    const int first_query = first_key + tile * WG_ROWS;
#pragma unroll
    for (int n = 0; n < 8; n++) {
#pragma unroll
      for (int c = 0; c < 2; c++) {
        int query = first_query + n * 8 + 2 * q + c;
        // Past T: lse = +inf makes P = 0, so padding queries contribute nothing.
        float lse_log2 = query < T ? lse[(long long)bh * T + query] * LOG2E : __int_as_float(0x7f800000);
        float d = query < T ? delta[(long long)bh * T + query] : 0.0f;
#pragma unroll
        for (int r = 0; r < 2; r++) {
          int e = 2 * r + c;
          bool visible = query >= key0 + 8 * r;  // causal
          float p = visible ? exp2f(st[n][e] * scale_log2 - lse_log2) : 0.0f;
          dpt[n][e] = p * (dpt[n][e] - d);
          st[n][e] = p;
        }
      }
    }
  };
  wgmma_fence();
  issue_products_with_rows(st, kf, stream.first(0));    // S^T = K Q^T
  issue_products_with_rows(dpt, vf, stream.second(0));  // dP^T = V dO^T
  wgmma_commit();
  wgmma_wait_all();
  fence_registers(st);
  fence_registers(dpt);
  gradients(0);
  stream.rotate(0);
  for (int tile = 1; tile < tiles; tile++) {
    pack_a_fragments(packed_p, st);   // P^T of tile - 1
    pack_a_fragments(packed_ds, dpt); // dS^T of tile - 1
    wgmma_fence();
    issue_products_with_rows(st, kf, stream.first(tile));
    issue_products_with_rows(dpt, vf, stream.second(tile));
    wgmma_commit();
    issue_products_with_columns(dv, packed_p, stream.second(tile - 1));  // dV += P^T dO
    issue_products_with_columns(dk, packed_ds, stream.first(tile - 1));  // dK += dS^T Q
    wgmma_commit();
    wgmma_wait_one();
    fence_registers(st);
    fence_registers(dpt);
    gradients(tile);
    wgmma_wait_all();
    fence_registers(dv);
    fence_registers(dk);
    fence_registers(packed_p);
    fence_registers(packed_ds);
    stream.rotate(tile);
  }
  pack_a_fragments(packed_p, st);
  pack_a_fragments(packed_ds, dpt);
  wgmma_fence();
  issue_products_with_columns(dv, packed_p, stream.second(tiles - 1));
  issue_products_with_columns(dk, packed_ds, stream.first(tiles - 1));
  wgmma_commit();
  wgmma_wait_all();
  fence_registers(dv);
  fence_registers(dk);
  fence_registers(packed_p);
  fence_registers(packed_ds);
  store_rows(dqkv_base, C3, C + h * HS, key0, T, dk, scale, scale);
  store_rows(dqkv_base, C3, 2 * C + h * HS, key0, T, dv, 1.0f, 1.0f);
}

// dQ, software-pipelined the same way: one warpgroup owns 64 queries (Q, dO as A fragments; lse, delta per row in
// registers) and walks the key tiles up to the diagonal; each iteration issues S = Q K^T and dP = dO V^T of key
// tile j with dQ += dS K of tile j - 1, and computes dS = P (dP - delta) of tile j while the latter runs.
// Launch: grid (ceil(T / 64), B * H), 128 threads.
extern "C" __global__ void __launch_bounds__(128) attention_wgmma_backward_query(
    bf16_t* dqkv, const bf16_t* dout, const bf16_t* qkv, const float* lse, const float* delta, int B, int T, int H) {
  __shared__ __align__(128) bf16_t keys[WG_STAGES][WG_ROWS * HS];
  __shared__ __align__(128) bf16_t values[WG_STAGES][WG_ROWS * HS];
  const int C = H * HS;
  const int C3 = 3 * C;
  const ThreadPlace at = thread_place(H);
  const int bh = at.bh, b = at.b, h = at.h, warp = at.warp, g = at.g, q = at.q;
  const int first_query = (gridDim.x - 1 - blockIdx.x) * WG_ROWS;
  const bf16_t* base = qkv + (long long)b * T * C3;
  const float scale = rsqrtf((float)HS);
  const float scale_log2 = scale * LOG2E;
  const int row0 = first_query + warp * 16 + g;
  const int row1 = row0 + 8;
  const int tiles = (min(first_query + WG_ROWS, T) - 1) / WG_ROWS + 1;
  const TileStream stream = {keys, base, C3, C + h * HS, values, base, C3, 2 * C + h * HS, 0, tiles, T};
  stream.start();
  unsigned qf[DCHUNKS][4];
  unsigned gf[DCHUNKS][4];
  load_row_fragments(qf, base, row0, T, C3, h * HS);
  load_row_fragments(gf, dout + (long long)b * T * C, row0, T, C, h * HS);
  // Past T: lse = +inf makes P = 0, so padding rows stay zero.
  const float lse0 = row0 < T ? lse[(long long)bh * T + row0] * LOG2E : __int_as_float(0x7f800000);
  const float lse1 = row1 < T ? lse[(long long)bh * T + row1] * LOG2E : __int_as_float(0x7f800000);
  const float delta0 = row0 < T ? delta[(long long)bh * T + row0] : 0.0f;
  const float delta1 = row1 < T ? delta[(long long)bh * T + row1] : 0.0f;
  float dq[8][4];
  float s[8][4];   // S, then dS
  float dp[8][4];
  unsigned packed[4][4];
#pragma unroll
  for (int n = 0; n < 8; n++) dq[n][0] = dq[n][1] = dq[n][2] = dq[n][3] = 0.0f;
  auto gradients = [&](int tile) {  // dS of key tile `tile` into s
    const int first_key = tile * WG_ROWS;
    const bool diagonal = tile == tiles - 1;
#pragma unroll
    for (int n = 0; n < 8; n++) {
      int key = first_key + n * 8 + 2 * q;
#pragma unroll
      for (int e = 0; e < 4; e++) {
        bool upper = e < 2;
        bool visible = !diagonal || key + (e & 1) <= (upper ? row0 : row1);  // causal
        s[n][e] = softmax_gradient(s[n][e], dp[n][e], scale_log2, upper ? lse0 : lse1, upper ? delta0 : delta1,
                                   visible);
      }
    }
  };
  wgmma_fence();
  issue_products_with_rows(s, qf, stream.first(0));    // S = Q K^T
  issue_products_with_rows(dp, gf, stream.second(0));  // dP = dO V^T
  wgmma_commit();
  wgmma_wait_all();
  fence_registers(s);
  fence_registers(dp);
  gradients(0);
  stream.rotate(0);
  for (int tile = 1; tile < tiles; tile++) {
    pack_a_fragments(packed, s);  // dS of tile - 1
    wgmma_fence();
    issue_products_with_rows(s, qf, stream.first(tile));
    issue_products_with_rows(dp, gf, stream.second(tile));
    wgmma_commit();
    issue_products_with_columns(dq, packed, stream.first(tile - 1));  // dQ += dS K
    wgmma_commit();
    wgmma_wait_one();
    fence_registers(s);
    fence_registers(dp);
    gradients(tile);
    wgmma_wait_all();
    fence_registers(dq);
    fence_registers(packed);
    stream.rotate(tile);
  }
  pack_a_fragments(packed, s);
  wgmma_fence();
  issue_products_with_columns(dq, packed, stream.first(tiles - 1));
  wgmma_commit();
  wgmma_wait_all();
  fence_registers(dq);
  fence_registers(packed);
  store_rows(dqkv + (long long)b * T * C3, C3, h * HS, row0, T, dq, scale, scale);
}
