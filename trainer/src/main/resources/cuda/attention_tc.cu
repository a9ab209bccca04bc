// Causal multi-head attention on the tensor cores (BF16 mode): the FlashAttention-2 algorithm with bf16 operands
// and fp32 accumulation, through the warp-level mma.sync.m16n8k16 instruction (sm_80 and later). Same contract as
// attention.cu: qkv (B, T, 3C) fp32 as the QKV projection writes it (q | k | v, head h at h*HS..), out (B, T, C)
// fp32, lse (B, H, T) = log-sum-exp of the scaled scores per query, O(B T C) memory for any T. Operands are rounded
// to bf16 as they enter shared memory or registers; softmax statistics, accumulators and outputs stay fp32.
//
// Fragment layouts of mma.m16n8k16 (PTX ISA), lane = 4 * g + q (g = lane / 4, q = lane % 4):
//   A 16x16 row-major, 4 registers of 2 bf16: (row g, cols 2q..2q+1), (row g+8, same), (row g, cols 2q+8..),
//     (row g+8, cols 2q+8..);  B 16x8 "col": (rows 2q..2q+1, col g), (rows 2q+8..2q+9, col g);
//   C 16x8 fp32: (row g, cols 2q, 2q+1), (row g+8, cols 2q, 2q+1).
// A C tile pair (16 x 16) therefore converts in registers into an A fragment for the next product (P V, dS Q).
// Shared tiles are padded by 8 bf16 per row: the 8 x 4 lanes of a fragment load then hit 32 different banks.
//
// Compile-time constant: HEAD_SIZE (multiple of 16, at most 64: registers hold a warp's rows of K, V, dK, dV).
#define HS HEAD_SIZE
#define DCHUNKS (HS / 16)  // k-chunks of 16 over head dimensions
#define DTILES (HS / 8)    // n-tiles of 8 over head dimensions
#define WARPS 4
#define FWD_QUERIES 64     // forward: queries per block (16 per warp)
#define FWD_KEYS 64        // forward: keys per shared tile
#define BWD_KEYS 64        // backward: keys per block (16 per warp)
#define BWD_QUERIES 32     // backward: queries per shared tile
#define ROW_PAD (HS + 8)   // row stride of [row][dim] tiles
#define LOG2E 1.4426950408889634f
#define LN2 0.6931471805599453f

typedef unsigned short bf16_t;

// {lo, hi} -> one register, lo in the low half (the lower column of a fragment pair).
__device__ __forceinline__ unsigned pack_bf16(float lo, float hi) {
  unsigned packed;
  asm("cvt.rn.bf16x2.f32 %0, %1, %2;" : "=r"(packed) : "f"(hi), "f"(lo));
  return packed;
}

__device__ __forceinline__ bf16_t to_bf16(float x) {
  return (bf16_t)(pack_bf16(x, 0.0f) & 0xffffu);
}

__device__ __forceinline__ unsigned load_pair(const bf16_t* shared) {
  return *reinterpret_cast<const unsigned*>(shared);
}

// c (16x8 fp32) += a (16x16 bf16) b (16x8 bf16)
__device__ __forceinline__ void mma_bf16(float* c, const unsigned* a, unsigned b0, unsigned b1) {
  asm(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// Two adjacent fp32 values of row t (zeros past T); column is even, so the read is one aligned 8-byte load.
__device__ __forceinline__ float2 load2(const float* base, int t, int T, int stride, int column) {
  return t < T ? *reinterpret_cast<const float2*>(base + (long long)t * stride + column) : make_float2(0.0f, 0.0f);
}

// A fragments of 16 rows (first, first + 8 for g) over all head dimensions, from fp32 rows of stride `stride`.
__device__ __forceinline__ void load_row_fragments(unsigned frag[DCHUNKS][4], const float* base, int row, int T,
                                                   int stride, int column) {
  int q = threadIdx.x & 3;
#pragma unroll
  for (int kc = 0; kc < DCHUNKS; kc++) {
    int d = column + kc * 16 + 2 * q;
    float2 a = load2(base, row, T, stride, d);
    float2 b = load2(base, row + 8, T, stride, d);
    float2 c = load2(base, row, T, stride, d + 8);
    float2 e = load2(base, row + 8, T, stride, d + 8);
    frag[kc][0] = pack_bf16(a.x, a.y);
    frag[kc][1] = pack_bf16(b.x, b.y);
    frag[kc][2] = pack_bf16(c.x, c.y);
    frag[kc][3] = pack_bf16(e.x, e.y);
  }
}

// rows first..first+ROWS-1 of a head slice -> tile[row][dim] (stride ROW_PAD) and/or transposed[dim][row]
// (stride ROWS + 8); zeros past T.
template <int ROWS>
__device__ __forceinline__ void load_tile(bf16_t* tile, bf16_t* transposed, const float* base, int first, int T,
                                          int stride, int column) {
  for (int i = threadIdx.x; i < ROWS * HS / 2; i += blockDim.x) {
    int r = i / (HS / 2);
    int d = (i % (HS / 2)) * 2;
    float2 v = load2(base, first + r, T, stride, column + d);
    if (tile != nullptr) *reinterpret_cast<unsigned*>(tile + r * ROW_PAD + d) = pack_bf16(v.x, v.y);
    if (transposed != nullptr) {
      transposed[d * (ROWS + 8) + r] = to_bf16(v.x);
      transposed[(d + 1) * (ROWS + 8) + r] = to_bf16(v.y);
    }
  }
}

// Launch: grid (ceil(T / 64), B * H), 128 threads. Query tiles run longest first (causal work grows with t).
extern "C" __global__ void __launch_bounds__(128) attention_tc_forward(float* out, float* lse, const float* qkv, int B,
                                                                      int T, int H) {
  __shared__ __align__(16) bf16_t keys[FWD_KEYS * ROW_PAD];
  __shared__ __align__(16) bf16_t values_t[HS * (FWD_KEYS + 8)];
  const int C = H * HS;
  const int C3 = 3 * C;
  const int bh = blockIdx.y;
  const int b = bh / H;
  const int h = bh % H;
  const int first_query = (gridDim.x - 1 - blockIdx.x) * FWD_QUERIES;
  const int warp = threadIdx.x >> 5;
  const int g = (threadIdx.x & 31) >> 2;
  const int q = threadIdx.x & 3;
  const float* base = qkv + (long long)b * T * C3;
  const float scale = rsqrtf((float)HS) * LOG2E;  // scores in log2 units: exp2 instead of exp
  const int row0 = first_query + warp * 16 + g;
  const int row1 = row0 + 8;
  unsigned qf[DCHUNKS][4];
  load_row_fragments(qf, base, first_query + warp * 16 + g, T, C3, h * HS);
  float o[DTILES][4];
#pragma unroll
  for (int n = 0; n < DTILES; n++) o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.0f;
  float m0 = NEG_INF, m1 = NEG_INF, l0 = 0.0f, l1 = 0.0f;
  const int last_key = min(first_query + FWD_QUERIES, T) - 1;
  for (int first_key = 0; first_key <= last_key; first_key += FWD_KEYS) {
    __syncthreads();
    load_tile<FWD_KEYS>(keys, nullptr, base, first_key, T, C3, C + h * HS);
    load_tile<FWD_KEYS>(nullptr, values_t, base, first_key, T, C3, 2 * C + h * HS);
    __syncthreads();
    float s[FWD_KEYS / 8][4];
#pragma unroll
    for (int n = 0; n < FWD_KEYS / 8; n++) {
      s[n][0] = s[n][1] = s[n][2] = s[n][3] = 0.0f;
#pragma unroll
      for (int kc = 0; kc < DCHUNKS; kc++) {
        const bf16_t* k = keys + (n * 8 + g) * ROW_PAD + kc * 16 + 2 * q;
        mma_bf16(s[n], qf[kc], load_pair(k), load_pair(k + 8));
      }
    }
    // Scale; mask keys after the query (only the diagonal tile has any; keys past T are past every row < T).
    bool diagonal = first_key + FWD_KEYS > first_query;
    float x0 = m0, x1 = m1;
#pragma unroll
    for (int n = 0; n < FWD_KEYS / 8; n++) {
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
    // Every row sees key first_query <= row in its last tile and key 0 in its first: x0, x1 are finite here.
    float c0 = exp2f(m0 - x0);
    float c1 = exp2f(m1 - x1);
    m0 = x0;
    m1 = x1;
    l0 *= c0;
    l1 *= c1;
#pragma unroll
    for (int n = 0; n < DTILES; n++) {
      o[n][0] *= c0;
      o[n][1] *= c0;
      o[n][2] *= c1;
      o[n][3] *= c1;
    }
#pragma unroll
    for (int n = 0; n < FWD_KEYS / 8; n++) {
      s[n][0] = exp2f(s[n][0] - x0);
      s[n][1] = exp2f(s[n][1] - x0);
      s[n][2] = exp2f(s[n][2] - x1);
      s[n][3] = exp2f(s[n][3] - x1);
      l0 += s[n][0] + s[n][1];
      l1 += s[n][2] + s[n][3];
    }
#pragma unroll
    for (int kk = 0; kk < FWD_KEYS / 16; kk++) {
      unsigned p[4] = {pack_bf16(s[2 * kk][0], s[2 * kk][1]), pack_bf16(s[2 * kk][2], s[2 * kk][3]),
                       pack_bf16(s[2 * kk + 1][0], s[2 * kk + 1][1]), pack_bf16(s[2 * kk + 1][2], s[2 * kk + 1][3])};
#pragma unroll
      for (int n = 0; n < DTILES; n++) {
        const bf16_t* v = values_t + (n * 8 + g) * (FWD_KEYS + 8) + kk * 16 + 2 * q;
        mma_bf16(o[n], p, load_pair(v), load_pair(v + 8));
      }
    }
  }
  l0 += __shfl_xor_sync(0xffffffffu, l0, 1);
  l0 += __shfl_xor_sync(0xffffffffu, l0, 2);
  l1 += __shfl_xor_sync(0xffffffffu, l1, 1);
  l1 += __shfl_xor_sync(0xffffffffu, l1, 2);
  float inverse0 = 1.0f / l0;
  float inverse1 = 1.0f / l1;
#pragma unroll
  for (int n = 0; n < DTILES; n++) {
    int column = h * HS + n * 8 + 2 * q;
    if (row0 < T) {
      *reinterpret_cast<float2*>(out + ((long long)b * T + row0) * C + column) =
          make_float2(o[n][0] * inverse0, o[n][1] * inverse0);
    }
    if (row1 < T) {
      *reinterpret_cast<float2*>(out + ((long long)b * T + row1) * C + column) =
          make_float2(o[n][2] * inverse1, o[n][3] * inverse1);
    }
  }
  if (q == 0) {
    if (row0 < T) lse[(long long)bh * T + row0] = (m0 + log2f(l0)) * LN2;
    if (row1 < T) lse[(long long)bh * T + row1] = (m1 + log2f(l1)) * LN2;
  }
}

// Backward. Each block owns 64 keys (16 per warp, kept in registers as A fragments of K and V) and walks the
// query tiles at or after them: S^T = K Q^T and dP^T = V dO^T per warp, P^T = exp(S^T - lse), dS^T = P^T (dP^T -
// delta); dV += P^T dO and dK += dS^T Q stay in registers; dQ += dS K goes through shared memory and atomics
// into dqkv's q columns, which the caller zeroes first. delta (B, H, T) = rowsum(dO * O) comes precomputed.
// Launch: grid (ceil(T / 64), B * H), 128 threads.
#define QT_PAD (BWD_QUERIES + 8)  // row stride of [dim][query] tiles
#define KT_PAD (BWD_KEYS + 8)     // row stride of [dim][key] and [query][key] tiles
extern "C" __global__ void __launch_bounds__(128) attention_tc_backward(float* dqkv, const float* dout,
                                                                       const float* qkv, const float* lse,
                                                                       const float* delta, int B, int T, int H) {
  __shared__ __align__(16) bf16_t queries[BWD_QUERIES * ROW_PAD];      // Q [query][dim]
  __shared__ __align__(16) bf16_t queries_t[HS * QT_PAD];              // Q^T [dim][query]
  __shared__ __align__(16) bf16_t grads[BWD_QUERIES * ROW_PAD];        // dO [query][dim]
  __shared__ __align__(16) bf16_t grads_t[HS * QT_PAD];                // dO^T [dim][query]
  __shared__ __align__(16) bf16_t keys_t[HS * KT_PAD];                 // K^T [dim][key] of this block's keys
  __shared__ __align__(16) bf16_t score_grads[BWD_QUERIES * KT_PAD];   // dS [query][key]
  __shared__ float tile_lse[BWD_QUERIES];
  __shared__ float tile_delta[BWD_QUERIES];
  const int C = H * HS;
  const int C3 = 3 * C;
  const int bh = blockIdx.y;
  const int b = bh / H;
  const int h = bh % H;
  const int first_key = blockIdx.x * BWD_KEYS;
  const int warp = threadIdx.x >> 5;
  const int g = (threadIdx.x & 31) >> 2;
  const int q = threadIdx.x & 3;
  const float* base = qkv + (long long)b * T * C3;
  const float* dout_base = dout + (long long)b * T * C;
  float* dqkv_base = dqkv + (long long)b * T * C3;
  const float scale = rsqrtf((float)HS);
  const float scale_log2 = scale * LOG2E;
  const int key0 = first_key + warp * 16 + g;  // this thread's key rows: key0, key0 + 8
  unsigned kf[DCHUNKS][4];
  unsigned vf[DCHUNKS][4];
  load_row_fragments(kf, base, key0, T, C3, C + h * HS);
  load_row_fragments(vf, base, key0, T, C3, 2 * C + h * HS);
  load_tile<BWD_KEYS>(nullptr, keys_t, base, first_key, T, C3, C + h * HS);
  float dk[DTILES][4];
  float dv[DTILES][4];
#pragma unroll
  for (int n = 0; n < DTILES; n++) dk[n][0] = dk[n][1] = dk[n][2] = dk[n][3] = dv[n][0] = dv[n][1] = dv[n][2] = dv[n][3] = 0.0f;
  // dQ of a query tile: warp w computes rows (w % 2) * 16.. and head dimensions (w / 2) * HS / 2..
  const int dq_rows = (warp & 1) * 16;
  const int dq_tile0 = (warp >> 1) * (DTILES / 2);
  for (int first_query = first_key; first_query < T; first_query += BWD_QUERIES) {
    __syncthreads();
    load_tile<BWD_QUERIES>(queries, queries_t, base, first_query, T, C3, h * HS);
    load_tile<BWD_QUERIES>(grads, grads_t, dout_base, first_query, T, C, h * HS);
    for (int r = threadIdx.x; r < BWD_QUERIES; r += blockDim.x) {
      int t = first_query + r;
      // Past T: lse = +inf makes P = 0, so padding rows contribute nothing.
      tile_lse[r] = t < T ? lse[(long long)bh * T + t] * LOG2E : __int_as_float(0x7f800000);
      tile_delta[r] = t < T ? delta[(long long)bh * T + t] : 0.0f;
    }
    __syncthreads();
    float st[BWD_QUERIES / 8][4];   // S^T, then P^T
    float dpt[BWD_QUERIES / 8][4];  // dP^T, then dS^T
#pragma unroll
    for (int n = 0; n < BWD_QUERIES / 8; n++) {
      st[n][0] = st[n][1] = st[n][2] = st[n][3] = 0.0f;
      dpt[n][0] = dpt[n][1] = dpt[n][2] = dpt[n][3] = 0.0f;
#pragma unroll
      for (int kc = 0; kc < DCHUNKS; kc++) {
        const bf16_t* qp = queries + (n * 8 + g) * ROW_PAD + kc * 16 + 2 * q;
        mma_bf16(st[n], kf[kc], load_pair(qp), load_pair(qp + 8));
        const bf16_t* gp = grads + (n * 8 + g) * ROW_PAD + kc * 16 + 2 * q;
        mma_bf16(dpt[n], vf[kc], load_pair(gp), load_pair(gp + 8));
      }
    }
#pragma unroll
    for (int n = 0; n < BWD_QUERIES / 8; n++) {
#pragma unroll
      for (int e = 0; e < 4; e++) {
        int local = n * 8 + 2 * q + (e & 1);
        int key = e < 2 ? key0 : key0 + 8;
        float p = first_query + local >= key ? exp2f(st[n][e] * scale_log2 - tile_lse[local]) : 0.0f;  // causal
        st[n][e] = p;
        dpt[n][e] = p * (dpt[n][e] - tile_delta[local]);
      }
    }
#pragma unroll
    for (int kk = 0; kk < BWD_QUERIES / 16; kk++) {
      unsigned p[4] = {pack_bf16(st[2 * kk][0], st[2 * kk][1]), pack_bf16(st[2 * kk][2], st[2 * kk][3]),
                       pack_bf16(st[2 * kk + 1][0], st[2 * kk + 1][1]), pack_bf16(st[2 * kk + 1][2], st[2 * kk + 1][3])};
      unsigned ds[4] = {pack_bf16(dpt[2 * kk][0], dpt[2 * kk][1]), pack_bf16(dpt[2 * kk][2], dpt[2 * kk][3]),
                        pack_bf16(dpt[2 * kk + 1][0], dpt[2 * kk + 1][1]),
                        pack_bf16(dpt[2 * kk + 1][2], dpt[2 * kk + 1][3])};
#pragma unroll
      for (int n = 0; n < DTILES; n++) {
        const bf16_t* gp = grads_t + (n * 8 + g) * QT_PAD + kk * 16 + 2 * q;
        mma_bf16(dv[n], p, load_pair(gp), load_pair(gp + 8));
        const bf16_t* qp = queries_t + (n * 8 + g) * QT_PAD + kk * 16 + 2 * q;
        mma_bf16(dk[n], ds, load_pair(qp), load_pair(qp + 8));
      }
    }
    // dS [query][key] for the dQ product, which needs every warp's keys.
#pragma unroll
    for (int n = 0; n < BWD_QUERIES / 8; n++) {
#pragma unroll
      for (int e = 0; e < 4; e++) {
        int local_query = n * 8 + 2 * q + (e & 1);
        int local_key = warp * 16 + g + (e < 2 ? 0 : 8);
        score_grads[local_query * KT_PAD + local_key] = to_bf16(dpt[n][e]);
      }
    }
    __syncthreads();
    float dq[DTILES / 2][4];
#pragma unroll
    for (int j = 0; j < DTILES / 2; j++) dq[j][0] = dq[j][1] = dq[j][2] = dq[j][3] = 0.0f;
#pragma unroll
    for (int kk = 0; kk < BWD_KEYS / 16; kk++) {
      const bf16_t* ap = score_grads + (dq_rows + g) * KT_PAD + kk * 16 + 2 * q;
      unsigned a[4] = {load_pair(ap), load_pair(ap + 8 * KT_PAD), load_pair(ap + 8), load_pair(ap + 8 * KT_PAD + 8)};
#pragma unroll
      for (int j = 0; j < DTILES / 2; j++) {
        const bf16_t* kp = keys_t + ((dq_tile0 + j) * 8 + g) * KT_PAD + kk * 16 + 2 * q;
        mma_bf16(dq[j], a, load_pair(kp), load_pair(kp + 8));
      }
    }
    int query0 = first_query + dq_rows + g;
#pragma unroll
    for (int j = 0; j < DTILES / 2; j++) {
      int column = h * HS + (dq_tile0 + j) * 8 + 2 * q;
      if (query0 < T) {
        atomicAdd(dqkv_base + (long long)query0 * C3 + column, dq[j][0] * scale);
        atomicAdd(dqkv_base + (long long)query0 * C3 + column + 1, dq[j][1] * scale);
      }
      if (query0 + 8 < T) {
        atomicAdd(dqkv_base + (long long)(query0 + 8) * C3 + column, dq[j][2] * scale);
        atomicAdd(dqkv_base + (long long)(query0 + 8) * C3 + column + 1, dq[j][3] * scale);
      }
    }
  }
#pragma unroll
  for (int n = 0; n < DTILES; n++) {
    int column = h * HS + n * 8 + 2 * q;
    if (key0 < T) {
      float* row = dqkv_base + (long long)key0 * C3 + column;
      *reinterpret_cast<float2*>(row + C) = make_float2(dk[n][0] * scale, dk[n][1] * scale);
      *reinterpret_cast<float2*>(row + 2 * C) = make_float2(dv[n][0], dv[n][1]);
    }
    if (key0 + 8 < T) {
      float* row = dqkv_base + (long long)(key0 + 8) * C3 + column;
      *reinterpret_cast<float2*>(row + C) = make_float2(dk[n][2] * scale, dk[n][3] * scale);
      *reinterpret_cast<float2*>(row + 2 * C) = make_float2(dv[n][2], dv[n][3]);
    }
  }
}
