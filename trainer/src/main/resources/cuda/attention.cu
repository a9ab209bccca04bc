// Causal multi-head attention, memory-efficient (FlashAttention-style): scores are never stored; keys and values
// stream through shared memory in tiles of ROWS rows and each query keeps an online softmax (running max m and
// sum l). Memory is O(B T C) for any T, so 8192-token buckets fit. Forward saves the log-sum-exp per query
// (B, H, T); the backward recomputes probabilities from it: one kernel for dQ (per query row), one for dK and dV
// (per key row), so no atomics are needed.
//
// Layout: qkv (B, T, 3C) as the QKV projection writes it: q | k | v, head h at columns h*HS..(h+1)*HS of each.
// out (B, T, C) with head h at columns h*HS... Compile-time constants (NVRTC -D): HEAD_SIZE (HS), SPLIT (threads
// per row, each holding DIMS = HS / SPLIT dimensions in registers; dot products combine with shuffles between
// the SPLIT adjacent lanes), ROWS (rows per tile = rows per block). Launch: grid (ceil(T / ROWS), B * H), block
// ROWS * SPLIT threads.
#define DIMS (HEAD_SIZE / SPLIT)
// Shared rows are padded by 4 floats per part, so the SPLIT parts of a row fall into different banks and every
// part stays 16-byte aligned: dot products read shared memory as float4 (one LDS.128 feeds 4 FMAs; with scalar
// loads the kernel is bound by shared-memory instructions, not arithmetic). Needs DIMS % 4 == 0.
#define ROW_WIDTH (HEAD_SIZE + 4 * SPLIT)
#define SHARED_INDEX(part, i) ((part) * (DIMS + 4) + (i))
// Keys per online-softmax update in the forward pass: the running sum and accumulator are rescaled once per
// group instead of once per key.
#define KEY_GROUP 8

__device__ __forceinline__ float dot4(const float* registers, const float* shared_row) {
  // Four independent partial sums: one chain of DIMS dependent FMAs would leave the kernel latency-bound.
  const float4* row = reinterpret_cast<const float4*>(shared_row);
  float sx = 0.0f, sy = 0.0f, sz = 0.0f, sw = 0.0f;
#pragma unroll
  for (int i = 0; i < DIMS / 4; i++) {
    float4 k = row[i];
    sx += registers[4 * i] * k.x;
    sy += registers[4 * i + 1] * k.y;
    sz += registers[4 * i + 2] * k.z;
    sw += registers[4 * i + 3] * k.w;
  }
  return (sx + sy) + (sz + sw);
}

// registers += scale * shared_row
__device__ __forceinline__ void axpy4(float* registers, float scale, const float* shared_row) {
  const float4* row = reinterpret_cast<const float4*>(shared_row);
#pragma unroll
  for (int i = 0; i < DIMS / 4; i++) {
    float4 v = row[i];
    registers[4 * i] += scale * v.x;
    registers[4 * i + 1] += scale * v.y;
    registers[4 * i + 2] += scale * v.z;
    registers[4 * i + 3] += scale * v.w;
  }
}

__device__ __forceinline__ float row_sum(float value, unsigned group_mask) {
  for (int offset = SPLIT / 2; offset > 0; offset >>= 1) value += __shfl_xor_sync(group_mask, value, offset);
  return value;
}

// Every loop below has the same bounds on all threads of a block (causality is a predicate, rows past T compute
// and discard), so the whole warp always executes each shuffle together and the full mask is valid.
__device__ __forceinline__ unsigned group_mask_of_lane() {
  return 0xffffffffu;
}

// Loads rows first..first+ROWS-1 of one (head, q|k|v) slice into shared memory (zeros past T).
__device__ __forceinline__ void load_tile(float* tile, const float* base, int first, int T, int C3, int column) {
  for (int i = threadIdx.x; i < ROWS * HEAD_SIZE; i += blockDim.x) {
    int r = i / HEAD_SIZE;
    int d = i % HEAD_SIZE;
    int t = first + r;
    tile[r * ROW_WIDTH + SHARED_INDEX(d / DIMS, d % DIMS)] = t < T ? base[(long long)t * C3 + column + d] : 0.0f;
  }
}

extern "C" __global__ void attention_forward(float* out, float* lse, const float* qkv, int B, int T, int H) {
  __shared__ __align__(16) float keys[ROWS * ROW_WIDTH];
  __shared__ __align__(16) float values[ROWS * ROW_WIDTH];
  int C = H * HEAD_SIZE;
  int C3 = 3 * C;
  int bh = blockIdx.y;
  int b = bh / H;
  int h = bh % H;
  int part = threadIdx.x % SPLIT;
  int first_query = blockIdx.x * ROWS;
  int t = first_query + threadIdx.x / SPLIT;
  bool valid = t < T;
  unsigned mask = group_mask_of_lane();
  const float* base = qkv + (long long)b * T * C3;
  const float scale = rsqrtf((float)HEAD_SIZE);
  float q[DIMS];
  float acc[DIMS];
#pragma unroll
  for (int i = 0; i < DIMS; i++) {
    q[i] = valid ? base[(long long)t * C3 + h * HEAD_SIZE + part * DIMS + i] * scale : 0.0f;
    acc[i] = 0.0f;
  }
  float m = NEG_INF;
  float l = 0.0f;
  int last_key = min(first_query + ROWS, T) - 1;
  for (int first_key = 0; first_key <= last_key; first_key += ROWS) {
    __syncthreads();
    load_tile(keys, base, first_key, T, C3, C + h * HEAD_SIZE);
    load_tile(values, base, first_key, T, C3, 2 * C + h * HEAD_SIZE);
    __syncthreads();
    {
      int count = min(ROWS, last_key - first_key + 1);
      for (int j0 = 0; j0 < count; j0 += KEY_GROUP) {
        float s[KEY_GROUP];
        float m_new = m;
#pragma unroll
        for (int g = 0; g < KEY_GROUP; g++) {
          if (j0 + g < count) {
            float dot = row_sum(dot4(q, keys + (j0 + g) * ROW_WIDTH + SHARED_INDEX(part, 0)), mask);
            s[g] = first_key + j0 + g <= t ? dot : NEG_INF;  // causal
            m_new = fmaxf(m_new, s[g]);
          } else {
            s[g] = NEG_INF;
          }
        }
        float correction = expf(m - m_new);
        l *= correction;
#pragma unroll
        for (int i = 0; i < DIMS; i++) acc[i] *= correction;
#pragma unroll
        for (int g = 0; g < KEY_GROUP; g++) {
          if (j0 + g < count) {
            // m_new is finite: key 0 is in every row's first group.
            float p = expf(s[g] - m_new);
            l += p;
            axpy4(acc, p, values + (j0 + g) * ROW_WIDTH + SHARED_INDEX(part, 0));
          }
        }
        m = m_new;
      }
    }
  }
  if (valid) {
    float inverse = 1.0f / l;
    float* o = out + ((long long)b * T + t) * C + h * HEAD_SIZE + part * DIMS;
#pragma unroll
    for (int i = 0; i < DIMS; i++) o[i] = acc[i] * inverse;
    if (part == 0) lse[(long long)bh * T + t] = m + logf(l);
  }
}

// delta (B, H, T) = rowsum(dout * out) per head: the softmax backward's correction term.
extern "C" __global__ void attention_backward_delta(float* delta, const float* dout, const float* out, int B, int T,
                                                    int H) {
  long long total = (long long)B * H * T;
  int C = H * HEAD_SIZE;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < total; i += (long long)gridDim.x * blockDim.x) {
    int t = (int)(i % T);
    long long bh = i / T;
    int h = (int)(bh % H);
    int b = (int)(bh / H);
    long long offset = ((long long)b * T + t) * C + h * HEAD_SIZE;
    float sum = 0.0f;
    for (int d = 0; d < HEAD_SIZE; d++) sum += dout[offset + d] * out[offset + d];
    delta[i] = sum;
  }
}

// dQ: per query row, over keys 0..t. Writes the q columns of dqkv.
extern "C" __global__ void attention_backward_query(float* dqkv, const float* dout, const float* qkv, const float* lse,
                                                    const float* delta, int B, int T, int H) {
  __shared__ __align__(16) float keys[ROWS * ROW_WIDTH];
  __shared__ __align__(16) float values[ROWS * ROW_WIDTH];
  int C = H * HEAD_SIZE;
  int C3 = 3 * C;
  int bh = blockIdx.y;
  int b = bh / H;
  int h = bh % H;
  int part = threadIdx.x % SPLIT;
  int first_query = blockIdx.x * ROWS;
  int t = first_query + threadIdx.x / SPLIT;
  bool valid = t < T;
  unsigned mask = group_mask_of_lane();
  const float* base = qkv + (long long)b * T * C3;
  const float scale = rsqrtf((float)HEAD_SIZE);
  float q[DIMS];
  float dO[DIMS];
  float dq[DIMS];
#pragma unroll
  for (int i = 0; i < DIMS; i++) {
    q[i] = valid ? base[(long long)t * C3 + h * HEAD_SIZE + part * DIMS + i] * scale : 0.0f;
    dO[i] = valid ? dout[((long long)b * T + t) * C + h * HEAD_SIZE + part * DIMS + i] : 0.0f;
    dq[i] = 0.0f;
  }
  float row_lse = valid ? lse[(long long)bh * T + t] : 0.0f;
  float row_delta = valid ? delta[(long long)bh * T + t] : 0.0f;
  int last_key = min(first_query + ROWS, T) - 1;
  for (int first_key = 0; first_key <= last_key; first_key += ROWS) {
    __syncthreads();
    load_tile(keys, base, first_key, T, C3, C + h * HEAD_SIZE);
    load_tile(values, base, first_key, T, C3, 2 * C + h * HEAD_SIZE);
    __syncthreads();
    {
      int count = min(ROWS, last_key - first_key + 1);
      for (int j = 0; j < count; j++) {
        const float* k = keys + j * ROW_WIDTH + SHARED_INDEX(part, 0);
        const float* v = values + j * ROW_WIDTH + SHARED_INDEX(part, 0);
        float s = row_sum(dot4(q, k), mask);
        float dp = row_sum(dot4(dO, v), mask);
        float ds = first_key + j <= t ? expf(s - row_lse) * (dp - row_delta) : 0.0f;  // causal
        axpy4(dq, ds, k);
      }
    }
  }
  if (valid) {
    float* target = dqkv + ((long long)b * T + t) * C3 + h * HEAD_SIZE + part * DIMS;
#pragma unroll
    for (int i = 0; i < DIMS; i++) target[i] = dq[i] * scale;
  }
}

// dK and dV: per key row, over queries t..T-1. Writes the k and v columns of dqkv.
extern "C" __global__ void attention_backward_key_value(float* dqkv, const float* dout, const float* qkv,
                                                        const float* lse, const float* delta, int B, int T, int H) {
  __shared__ __align__(16) float queries[ROWS * ROW_WIDTH];
  __shared__ __align__(16) float output_grads[ROWS * ROW_WIDTH];
  __shared__ float tile_lse[ROWS];
  __shared__ float tile_delta[ROWS];
  int C = H * HEAD_SIZE;
  int C3 = 3 * C;
  int bh = blockIdx.y;
  int b = bh / H;
  int h = bh % H;
  int part = threadIdx.x % SPLIT;
  int first_key = blockIdx.x * ROWS;
  int t = first_key + threadIdx.x / SPLIT;
  bool valid = t < T;
  unsigned mask = group_mask_of_lane();
  const float* base = qkv + (long long)b * T * C3;
  const float* dout_base = dout + (long long)b * T * C;
  const float scale = rsqrtf((float)HEAD_SIZE);
  float k[DIMS];
  float v[DIMS];
  float dk[DIMS];
  float dv[DIMS];
#pragma unroll
  for (int i = 0; i < DIMS; i++) {
    k[i] = valid ? base[(long long)t * C3 + C + h * HEAD_SIZE + part * DIMS + i] : 0.0f;
    v[i] = valid ? base[(long long)t * C3 + 2 * C + h * HEAD_SIZE + part * DIMS + i] : 0.0f;
    dk[i] = 0.0f;
    dv[i] = 0.0f;
  }
  for (int first_query = first_key; first_query < T; first_query += ROWS) {
    __syncthreads();
    load_tile(queries, base, first_query, T, C3, h * HEAD_SIZE);
    load_tile(output_grads, dout_base, first_query, T, C, h * HEAD_SIZE);
    for (int r = threadIdx.x; r < ROWS; r += blockDim.x) {
      int tq = first_query + r;
      tile_lse[r] = tq < T ? lse[(long long)bh * T + tq] : 0.0f;
      tile_delta[r] = tq < T ? delta[(long long)bh * T + tq] : 0.0f;
    }
    __syncthreads();
    {
      int end = min(ROWS, T - first_query);
      for (int j = 0; j < end; j++) {
        const float* q = queries + j * ROW_WIDTH + SHARED_INDEX(part, 0);
        const float* dO = output_grads + j * ROW_WIDTH + SHARED_INDEX(part, 0);
        float s = row_sum(dot4(k, q), mask) * scale;
        float dp = row_sum(dot4(v, dO), mask);
        float p = first_query + j >= t ? expf(s - tile_lse[j]) : 0.0f;  // causal: queries at or after this key
        float ds = p * (dp - tile_delta[j]);
        axpy4(dv, p, dO);
        axpy4(dk, ds, q);
      }
    }
  }
  if (valid) {
    float* target = dqkv + ((long long)b * T + t) * C3 + h * HEAD_SIZE + part * DIMS;
#pragma unroll
    for (int i = 0; i < DIMS; i++) {
      target[C + i] = dk[i] * scale;
      target[2 * C + i] = dv[i];
    }
  }
}
