// Residual connection fused with the LayerNorm that reads it (llm.c's fused residual): residual = a + b + b_bias
// (the stream plus a branch's projection and that projection's bias), then out = LayerNorm(residual) with the
// next LayerNorm's gain and bias, one warp per row (four columns per access when VECTOR_COLUMNS, as layernorm.cu).
// Its backward needs no kernel: the residual stream's gradient flows to both inputs, which the engine gets by
// accumulating into one buffer (see layernorm_backward).
template <typename Out>
__device__ __forceinline__ void residual_layernorm(float* residual, Out* out, float* mean, float* rstd,
                                                   const float* a, const float* b, const float* b_bias,
                                                   const float* gain, const float* bias, int N, int C) {
  int lane = threadIdx.x & 31;
  long long row = (blockIdx.x * (long long)blockDim.x + threadIdx.x) >> 5;
  if (row >= N) return;
  float* r = residual + row * C;
#if VECTOR_COLUMNS
  float4 x4[COLUMNS_PER_LANE / 4];
#pragma unroll
  for (int j = 0; j < COLUMNS_PER_LANE / 4; j++) {
    int c = 4 * lane + 128 * j;
    float4 a4 = *(const float4*)(a + row * C + c);
    float4 b4 = *(const float4*)(b + row * C + c);
    float4 bias4 = *(const float4*)(b_bias + c);
    x4[j] = make_float4(a4.x + b4.x + bias4.x, a4.y + b4.y + bias4.y, a4.z + b4.z + bias4.z, a4.w + b4.w + bias4.w);
    *(float4*)(r + c) = x4[j];
  }
  normalize_registers<COLUMNS_PER_LANE / 4>(out + row * C, mean, rstd, x4, gain, bias, row, C, lane);
#else
  for (int c = lane; c < C; c += 32) r[c] = a[row * C + c] + b[row * C + c] + b_bias[c];
  normalize_row(out + row * C, mean, rstd, r, gain, bias, row, C, lane);
#endif
}

extern "C" __global__ void residual_layernorm_forward(float* residual, float* out, float* mean, float* rstd,
                                                      const float* a, const float* b, const float* b_bias,
                                                      const float* gain, const float* bias, int N, int C) {
  residual_layernorm(residual, out, mean, rstd, a, b, b_bias, gain, bias, N, C);
}

extern "C" __global__ void residual_layernorm_forward_bf16(float* residual, unsigned short* out, float* mean,
                                                           float* rstd, const float* a, const float* b,
                                                           const float* b_bias, const float* gain,
                                                           const float* bias, int N, int C) {
  residual_layernorm(residual, out, mean, rstd, a, b, b_bias, gain, bias, N, C);
}

