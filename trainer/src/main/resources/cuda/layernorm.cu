// LayerNorm over the last dimension C (eps 1e-5), one warp per row (four columns per access when VECTOR_COLUMNS:
// C a multiple of 128). Forward keeps mean and 1/std per row for the backward pass. Backward ADDS into dinp (the residual stream's gradient accumulates, as in llm.c) and
// reduces dgain/dbias deterministically: per lane in registers, per block in shared memory warp by warp, then
// the blocks' partial sums in block order (layernorm_backward_sum); no atomics, so runs repeat to the bit.

template <typename Out>
__device__ __forceinline__ void layernorm(Out* out, float* mean, float* rstd, const float* inp, const float* gain,
                                          const float* bias, int N, int C) {
  int lane = threadIdx.x & 31;
  long long row = (blockIdx.x * (long long)blockDim.x + threadIdx.x) >> 5;
  if (row >= N) return;
#if VECTOR_COLUMNS
  float4 x4[COLUMNS_PER_LANE / 4];
#pragma unroll
  for (int j = 0; j < COLUMNS_PER_LANE / 4; j++) x4[j] = *(const float4*)(inp + row * C + 4 * lane + 128 * j);
  normalize_registers<COLUMNS_PER_LANE / 4>(out + row * C, mean, rstd, x4, gain, bias, row, C, lane);
#else
  normalize_row(out + row * C, mean, rstd, inp + row * C, gain, bias, row, C, lane);
#endif
}

extern "C" __global__ void layernorm_forward(float* out, float* mean, float* rstd, const float* inp,
                                             const float* gain, const float* bias, int N, int C) {
  layernorm(out, mean, rstd, inp, gain, bias, N, C);
}

extern "C" __global__ void layernorm_forward_bf16(unsigned short* out, float* mean, float* rstd, const float* inp,
                                                  const float* gain, const float* bias, int N, int C) {
  layernorm(out, mean, rstd, inp, gain, bias, N, C);
}

// Each warp takes rows in turn; a lane owns columns lane, lane + 32, ... (or, when VECTOR_COLUMNS, four at a time:
// see below) and sums their dgain / dbias terms in registers over all its rows (COLUMNS_PER_LANE = ceil(C / 32),
// a compile-time constant); the block's warps then
// add them into shared memory one warp at a time and the block writes its sums to partials[block] (dgain in
// [0, C), dbias in [C, 2C)). When dinp_bf16 is not null, the updated input gradient is also written there as bf16
// (BF16 mode: the next products read it, no conversion pass). Dynamic shared memory: 2 * C floats.
extern "C" __global__ void layernorm_backward(float* dinp, unsigned short* dinp_bf16, float* partials,
                                              const float* dout, const float* inp, const float* gain,
                                              const float* mean, const float* rstd, int N, int C) {
  extern __shared__ float shared[];
  float* shared_dgain = shared;
  float* shared_dbias = shared + C;
  for (int c = threadIdx.x; c < C; c += blockDim.x) {
    shared_dgain[c] = 0.0f;
    shared_dbias[c] = 0.0f;
  }
  __syncthreads();
  int lane = threadIdx.x & 31;
  int warp = threadIdx.x >> 5;
  int warps_per_block = blockDim.x >> 5;
  long long first = (long long)blockIdx.x * warps_per_block + warp;
  long long stride = (long long)gridDim.x * warps_per_block;
  float gain_sum[COLUMNS_PER_LANE];
  float bias_sum[COLUMNS_PER_LANE];
#pragma unroll
  for (int j = 0; j < COLUMNS_PER_LANE; j++) gain_sum[j] = bias_sum[j] = 0.0f;
#if VECTOR_COLUMNS
  // C a multiple of 128: lane owns columns 4 lane + 128 j + k (k < 4), read and written four at a time; the row's
  // x and dy stay in registers between the two passes, so each warp has the whole row's loads in flight at once.
  const int vectors = COLUMNS_PER_LANE / 4;
  float4 gain4[COLUMNS_PER_LANE / 4];
#pragma unroll
  for (int j = 0; j < vectors; j++) gain4[j] = *(const float4*)(gain + 4 * lane + 128 * j);
  for (long long row = first; row < N; row += stride) {
    float4 x4[COLUMNS_PER_LANE / 4];
    float4 dy4[COLUMNS_PER_LANE / 4];
#pragma unroll
    for (int j = 0; j < vectors; j++) {
      x4[j] = *(const float4*)(inp + row * C + 4 * lane + 128 * j);
      dy4[j] = *(const float4*)(dout + row * C + 4 * lane + 128 * j);
    }
    float m = mean[row];
    float s = rstd[row];
    float dnorm_sum = 0.0f;
    float dnorm_norm_sum = 0.0f;
#pragma unroll
    for (int j = 0; j < vectors; j++) {
      const float* xs = &x4[j].x;
      const float* dys = &dy4[j].x;
      const float* gs = &gain4[j].x;
#pragma unroll
      for (int k = 0; k < 4; k++) {
        float dnorm = gs[k] * dys[k];
        dnorm_sum += dnorm;
        dnorm_norm_sum += dnorm * ((xs[k] - m) * s);
      }
    }
    float dnorm_mean = warp_sum(dnorm_sum) / C;
    float dnorm_norm_mean = warp_sum(dnorm_norm_sum) / C;
#pragma unroll
    for (int j = 0; j < vectors; j++) {
      long long at = row * C + 4 * lane + 128 * j;
      float4 dx4 = *(const float4*)(dinp + at);
      float* dxs = &dx4.x;
      const float* xs = &x4[j].x;
      const float* dys = &dy4[j].x;
      const float* gs = &gain4[j].x;
#pragma unroll
      for (int k = 0; k < 4; k++) {
        float norm = (xs[k] - m) * s;
        bias_sum[4 * j + k] += dys[k];
        gain_sum[4 * j + k] += norm * dys[k];
        dxs[k] += s * (gs[k] * dys[k] - dnorm_mean - norm * dnorm_norm_mean);
      }
      *(float4*)(dinp + at) = dx4;
      if (dinp_bf16 != nullptr) {
        store_pair(dinp_bf16, at, make_float2(dx4.x, dx4.y));
        store_pair(dinp_bf16, at + 2, make_float2(dx4.z, dx4.w));
      }
    }
  }
#else
  for (long long row = first; row < N; row += stride) {
    const float* dy = dout + row * C;
    const float* x = inp + row * C;
    float m = mean[row];
    float s = rstd[row];
    float dnorm_sum = 0.0f;
    float dnorm_norm_sum = 0.0f;
    for (int c = lane; c < C; c += 32) {
      float norm = (x[c] - m) * s;
      float dnorm = gain[c] * dy[c];
      dnorm_sum += dnorm;
      dnorm_norm_sum += dnorm * norm;
    }
    float dnorm_mean = warp_sum(dnorm_sum) / C;
    float dnorm_norm_mean = warp_sum(dnorm_norm_sum) / C;
    float* dx = dinp + row * C;
#pragma unroll
    for (int j = 0; j < COLUMNS_PER_LANE; j++) {
      int c = lane + 32 * j;
      if (c < C) {
        float norm = (x[c] - m) * s;
        float g = dy[c];
        bias_sum[j] += g;
        gain_sum[j] += norm * g;
        float value = dx[c] + s * (gain[c] * g - dnorm_mean - norm * dnorm_norm_mean);
        dx[c] = value;
        if (dinp_bf16 != nullptr) store_output(dinp_bf16, row * C + c, value);
      }
    }
  }
#endif
  for (int w = 0; w < warps_per_block; w++) {
    if (warp == w) {
#pragma unroll
      for (int j = 0; j < COLUMNS_PER_LANE; j++) {
#if VECTOR_COLUMNS
        int c = 4 * lane + 128 * (j / 4) + (j % 4);
#else
        int c = lane + 32 * j;
#endif
        if (c < C) {
          shared_dbias[c] += bias_sum[j];
          shared_dgain[c] += gain_sum[j];
        }
      }
    }
    __syncthreads();
  }
  float* block_partials = partials + (long long)blockIdx.x * 2 * C;
  for (int c = threadIdx.x; c < C; c += blockDim.x) {
    block_partials[c] = shared_dgain[c];
    block_partials[C + c] = shared_dbias[c];
  }
}

// dgain, dbias (C) += the partial sums of layernorm_backward's blocks, added in block order.
extern "C" __global__ void layernorm_backward_sum(float* dgain, float* dbias, const float* partials, int blocks,
                                                  int C) {
  for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < C; c += gridDim.x * blockDim.x) {
    float g = 0.0f;
    float b = 0.0f;
    for (int k = 0; k < blocks; k++) {
      g += partials[(long long)k * 2 * C + c];
      b += partials[(long long)k * 2 * C + C + c];
    }
    dgain[c] += g;
    dbias[c] += b;
  }
}
